"""python -m seed: write the demo county into SQLite (default data/monitor.db) or PostgreSQL (--url)."""

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from queries.db import DEFAULT_SQLITE
from seed.generate import Config, generate
from seed.load import write_postgres, write_sqlite

MIN_HOUSEHOLDS, MAX_HOUSEHOLDS = 100, 5_000_000
EARLIEST_AS_OF = date(2023, 3, 31)  # at least one quarter of history


class ChineseArgumentParser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"参数错误：{message}\n")


def households_arg(text: str) -> int:
    try:
        n = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"户数必须是整数，收到 {text!r}") from None
    if not MIN_HOUSEHOLDS <= n <= MAX_HOUSEHOLDS:
        raise argparse.ArgumentTypeError(f"户数须在 {MIN_HOUSEHOLDS} 到 {MAX_HOUSEHOLDS} 之间，收到 {n}")
    return n


def seed_arg(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"随机种子必须是整数，收到 {text!r}") from None
    if not 0 <= n < 2**32:
        raise argparse.ArgumentTypeError("随机种子须在 0 到 4294967295 之间")
    return n


def as_of_arg(text: str) -> date:
    try:
        d = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"截至日期格式应为 YYYY-MM-DD，收到 {text!r}") from None
    if not EARLIEST_AS_OF <= d <= date(2100, 12, 31):
        raise argparse.ArgumentTypeError(f"截至日期须不早于 {EARLIEST_AS_OF}（至少一个季度的历史）")
    return d


def url_arg(text: str) -> str:
    try:
        url = sa.make_url(text)
    except Exception:
        raise argparse.ArgumentTypeError(f"无法解析数据库地址 {text!r}") from None
    if url.get_backend_name() not in ("postgresql", "sqlite"):
        raise argparse.ArgumentTypeError("仅支持 postgresql:// 或 sqlite:/// 地址")
    return text


def counties_arg(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 12:
        raise argparse.ArgumentTypeError("县数应为 1 到 12 的整数")
    return int(text)


def parse_args(argv=None) -> argparse.Namespace:
    p = ChineseArgumentParser(prog="python -m seed", description="生成演示县的防返贫监测数据库（确定性：同一种子同一内容）。")
    p.add_argument("--households", type=households_arg, default=30_000, help="农户数（默认 30000）")
    p.add_argument("--seed", type=seed_arg, default=2023, help="随机种子（默认 2023）")
    p.add_argument("--as-of", type=as_of_arg, default=date.today(), help="数据截至日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--counties", type=counties_arg, default=1,
                   help="县（市、区）数：1 为一个县（默认）；2-12 为一个市，每县 10-25 个乡镇")
    target = p.add_mutually_exclusive_group()
    target.add_argument("--out", type=Path, help=f"SQLite 文件路径（默认 {DEFAULT_SQLITE}）")
    target.add_argument("--url", type=url_arg, help="数据库地址，例如 postgresql+psycopg://user@host/db")
    p.add_argument("--quiet", action="store_true", help="不输出进度")
    p.add_argument("--if-needed", action="store_true",
                   help="SQLite 文件已存在且结构版本为当前版本时不再生成；旧版本的演示库重新生成")
    return p.parse_args(argv)


def _existing_version(path: Path) -> tuple[str | None, bool]:
    """(schema version, is demo) of an existing SQLite file; (None, False) if it has none."""
    import sqlite3
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as c:
            meta = dict(c.execute("SELECT key, value FROM meta").fetchall())
        return meta.get("schema_version"), meta.get("is_demo") == "1"
    except sqlite3.Error:
        return None, False


def main(argv=None) -> int:
    args = parse_args(argv)
    say = (lambda *_: None) if args.quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    if args.if_needed and not args.url:
        from queries.schema import SCHEMA_VERSION
        path = args.out or DEFAULT_SQLITE
        if path.exists():
            version, demo = _existing_version(path)
            if version == SCHEMA_VERSION:
                return 0
            if not demo:  # never overwrite real data
                print(f"{path} 不是当前结构版本（{version}，需要 {SCHEMA_VERSION}）且不是演示库，未做更改", file=sys.stderr)
                return 1
            say(f"{path} 是旧版本（{version}）的演示库，重新生成")
    cfg = Config(households=args.households, seed=args.seed, as_of=args.as_of, counties=args.counties)
    t0 = time.perf_counter()
    tables = generate(cfg)
    rows = sum(len(df) for df in tables.values())
    say(f"生成 {cfg.households} 户，共 {rows} 行，用时 {time.perf_counter() - t0:.1f} 秒")
    t1 = time.perf_counter()
    try:
        if args.url and sa.make_url(args.url).get_backend_name() == "postgresql":
            write_postgres(tables, args.url)
            target = sa.make_url(args.url).render_as_string(hide_password=True)
        else:
            path = Path(sa.make_url(args.url).database) if args.url else (args.out or DEFAULT_SQLITE)
            write_sqlite(tables, path)
            target = str(path)
    except (sa.exc.OperationalError, OSError) as e:
        print(f"写入数据库失败，未做任何更改：{str(e).splitlines()[0]}", file=sys.stderr)
        return 1
    say(f"写入 {target}，用时 {time.perf_counter() - t1:.1f} 秒；总计 {time.perf_counter() - t0:.1f} 秒")
    return 0


if __name__ == "__main__":
    sys.exit(main())
