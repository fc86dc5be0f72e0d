"""python -m seed.importer: import 台账 files, write the template, or export a database in its format.

    python -m seed.importer 城关镇6月.xlsx 青山镇6月.xlsx --url postgresql+psycopg://user@host/monitor
    python -m seed.importer 农户.csv 家庭成员.csv --out data/monitor.db --report 错误报告.xlsx
    python -m seed.importer --template 导入模板.xlsx
    python -m seed.importer --export 导出.xlsx --url sqlite:///data/monitor.db

Exit status: 0 imported (or template/export written), 1 errors found (nothing written), 2 bad arguments.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from queries.db import DEFAULT_SQLITE, database_url, make_engine
from seed.__main__ import ChineseArgumentParser, url_arg

SHOW_ERRORS = 30


def date_arg(text: str) -> date:
    import argparse
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD，收到 {text!r}") from None


def parse_args(argv=None):
    p = ChineseArgumentParser(
        prog="python -m seed.importer",
        description="把乡镇台账（Excel 或 CSV，按导入模板）导入防返贫监测数据库：先检查全部数据，"
                    "没有错误才在一个事务中写入；有错误则不写入，并生成标注了出错单元格的错误报告。")
    p.add_argument("files", nargs="*", type=Path, metavar="FILE", help="要导入的 .xlsx / .xls / .csv 文件（可多个，一起检查、一起写入）")
    target = p.add_mutually_exclusive_group()
    target.add_argument("--url", type=url_arg, help="数据库地址（SQLAlchemy），例如 postgresql+psycopg://user@host/db")
    target.add_argument("--out", type=Path, help=f"SQLite 文件路径（不存在则新建）；都不指定时用 MONITOR_DB_URL 或 {DEFAULT_SQLITE}")
    p.add_argument("--report", type=Path, help="有错误时把错误报告写到这里（默认：第一个文件旁边的 <文件名>_错误报告.xlsx）")
    p.add_argument("--as-of", type=date_arg, help="数据截至日期 YYYY-MM-DD（默认今天），写入数据库供看板使用")
    p.add_argument("--check", action="store_true", help="只检查，不写入")
    p.add_argument("--template", type=Path, metavar="PATH", help="生成空白导入模板（.xlsx）")
    p.add_argument("--export", type=Path, metavar="PATH", help="把数据库导出为导入模板格式（.xlsx）")
    p.add_argument("--quiet", action="store_true", help="只输出错误")
    args = p.parse_args(argv)
    modes = sum(bool(x) for x in (args.files, args.template, args.export))
    if modes != 1:
        p.error("请指定要导入的文件，或 --template PATH，或 --export PATH（三者选一）")
    for f in (args.template, args.export):
        if f is not None and f.suffix.lower() != ".xlsx":
            p.error(f"输出文件应以 .xlsx 结尾：{f}")
    return args


def target_url(args) -> str:
    if args.url:
        return args.url
    if args.out:
        return f"sqlite:///{args.out}"
    return database_url()


def main(argv=None) -> int:
    args = parse_args(argv)
    say = (lambda *_: None) if args.quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    t0 = time.perf_counter()
    if args.template:
        from seed.importer.template import build_template
        build_template(args.template)
        say(f"已生成导入模板 {args.template}")
        return 0

    url = target_url(args)
    shown = sa.make_url(url).render_as_string(hide_password=True)
    if args.export:
        from seed.importer.template import export_database
        if sa.make_url(url).get_backend_name() == "sqlite" and not Path(sa.make_url(url).database or "").exists():
            print(f"数据库不存在：{shown}", file=sys.stderr)
            return 1
        try:
            counts = export_database(make_engine(url, read_only=True), args.export)
        except sa.exc.SQLAlchemyError as e:
            print(f"读取数据库失败：{str(e).splitlines()[0]}", file=sys.stderr)
            return 1
        say(f"已导出 {shown} 到 {args.export}：{sum(counts.values())} 行，用时 {time.perf_counter() - t0:.1f} 秒")
        return 0

    from seed.importer import import_files
    missing = [f for f in args.files if not f.exists()]
    if missing:
        print(f"文件不存在：{'、'.join(map(str, missing))}", file=sys.stderr)
        return 2
    new_sqlite = None
    if sa.make_url(url).get_backend_name() == "sqlite":
        path = Path(sa.make_url(url).database or "")
        if not path.exists():
            new_sqlite = path
            path.parent.mkdir(parents=True, exist_ok=True)
    report = args.report or args.files[0].with_name(f"{args.files[0].stem}_错误报告.xlsx")
    if not args.report and not os.access(report.parent, os.W_OK):
        report = Path.cwd() / report.name          # the files' folder is read-only: report here instead
    engine = make_engine(url, read_only=False)
    result = None
    try:
        result = import_files(args.files, engine, report=report, as_of=args.as_of, check_only=args.check)
    except sa.exc.SQLAlchemyError as e:
        print(f"写入数据库失败，未做任何更改：{str(e).splitlines()[0]}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
        if new_sqlite is not None and (args.check or result is None or not result.ok):
            new_sqlite.unlink(missing_ok=True)   # a database created for a failed import is removed again
    for note in result.notices:
        say(f"提示：{note}")
    if not result.ok:
        print(f"发现 {len(result.errors)} 处错误，未写入任何数据。", file=sys.stderr)
        for e in result.errors[:SHOW_ERRORS]:
            print(f"  {e}", file=sys.stderr)
        if len(result.errors) > SHOW_ERRORS:
            print(f"  ……另有 {len(result.errors) - SHOW_ERRORS} 处，见错误报告", file=sys.stderr)
        if result.report_path:
            print(f"错误报告（出错单元格已标红并附批注）：{result.report_path}", file=sys.stderr)
        return 1
    if args.check:
        say(f"检查通过，共 {sum(result.counts.values())} 行，未写入（--check）。")
        return 0
    say(result.summary().replace("导入成功：", f"导入成功（{shown}）："))
    return 0


if __name__ == "__main__":
    sys.exit(main())
