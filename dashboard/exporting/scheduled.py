"""定时简报: the weekly 调度会 deck written to a folder with nobody clicking, by the very builder behind 会议简报's
button, plus a PDF of it for printing and sending.

    python -m dashboard.exporting.briefing --out /var/lib/monitor/briefings [--township 439901101]
        [--as-of 2026-06-30] [--period quarter|month] [--per-township] [--no-pdf]

The job is a user of its own, 定时任务, with a county role (or a township role with --township): its queries
go through the dashboard's one data path (dashboard.common.data.for_user: scope, cache, masking), the
parameters are checked like a link's (dashboard.common.filters.parse), and every file is written to the
audit log as an export of that user before it is written to the folder. The PDF is the deck as LibreOffice
prints it (deploy/systemd/monitor-briefing.timer runs this weekly).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SYSTEM_USER = "定时任务"
PPTX, PDF = "pptx", "pdf"


class JobFailed(Exception):
    """What went wrong, in Chinese, for the job's log; nothing (more) was written."""


def arguments(argv) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m dashboard.exporting.briefing",
                                description="生成会议简报（PowerPoint 和 PDF）到指定文件夹，并写入审计日志。")
    p.add_argument("--out", required=True, type=Path, help="输出文件夹（不存在则创建）")
    p.add_argument("--township", help="乡镇代码（9位）；不填为全县")
    p.add_argument("--as-of", dest="as_of", help="截至日期 YYYY-MM-DD；不填为数据截至日期")
    p.add_argument("--period", choices=["quarter", "month"], default="quarter", help="统计周期，默认按季度")
    p.add_argument("--per-township", action="store_true", help="每个乡镇单独一页")
    p.add_argument("--no-pdf", dest="pdf", action="store_false", help="只生成 PowerPoint")
    return p.parse_args(argv)


def job_user(township: str | None):
    from dashboard.security.roles import ROLES, User
    return User(SYSTEM_USER, ROLES["township" if township else "county"], township=township,
                display_name=SYSTEM_USER)


def build(args) -> tuple[dict[str, str], str, bytes, object]:
    """The deck for the arguments: (audit filters, file name, bytes, the page context it was built for)."""
    from dashboard.common import data, exports, filters
    from dashboard.common.page import Context, load_areas, own_name
    from dashboard.exporting import briefing

    problem = data.database_problem()
    if problem:
        raise JobFailed(problem)
    user = job_user(args.township)
    q = data.for_user(user)
    areas = load_areas(q)
    given = {"town": args.township, "asof": args.as_of, "period": args.period}
    f, dropped = filters.parse(areas, scope=user.scope, given=given)
    if dropped:
        raise JobFailed(f"参数无效：{'、'.join(dropped)}（乡镇代码须为本县乡镇，截至日期不晚于数据截至日期）。")
    ctx = Context(f=f, areas=areas, county=own_name(areas, q), user=user)
    meta = exports.export_meta(ctx, f"{ctx.county}{briefing.DECK_TITLE}")
    deck = briefing.briefing_pptx(q, f, areas.towns, meta, args.per_township)
    return exports.filters_of(ctx), meta.file_name(PPTX), deck, ctx


def audit(file_name: str, role: str, filters: dict, kind: str) -> None:
    import sqlalchemy as sa

    from dashboard.security import store
    try:
        store.log("export", SYSTEM_USER, role, target=file_name, filters=filters, detail=f"定时简报 {kind}")
    except sa.exc.SQLAlchemyError:
        raise JobFailed("审计日志无法写入，未生成文件。") from None


def to_pdf(pptx: Path, out: Path, record) -> Path:
    """The deck as LibreOffice prints it (its own throwaway profile: two jobs never share one); `record(name)`
    writes the audit row once the PDF exists and before it reaches `out`."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise JobFailed("未安装 LibreOffice（soffice），未生成 PDF；PowerPoint 已生成。")
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as work:
        run = subprocess.run([office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", PDF,
                              "--outdir", work, str(pptx)], capture_output=True, text=True, timeout=600)
        made = Path(work) / f"{pptx.stem}.{PDF}"
        if run.returncode != 0 or not made.exists():
            raise JobFailed(f"LibreOffice 转换 PDF 失败；PowerPoint 已生成。{run.stderr.strip()[-300:]}")
        record(made.name)
        target = out / made.name
        shutil.move(str(made), target)
    return target


def main(argv=None) -> int:
    from streamlit import logger
    logger.set_log_level("error")   # no "no runtime" warnings: the cache works without a browser session

    from dashboard.common.data import DataUnavailable
    args = arguments(argv)
    try:
        filters, name, deck, ctx = build(args)
        args.out.mkdir(parents=True, exist_ok=True)
        audit(name, ctx.user.role.code, filters, PPTX)
        pptx = args.out / name
        pptx.write_bytes(deck)
        print(pptx)
        if args.pdf:
            print(to_pdf(pptx, args.out, lambda pdf: audit(pdf, ctx.user.role.code, filters, PDF)))
    except (JobFailed, DataUnavailable) as exc:
        print(f"定时简报未完成：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"定时简报未完成：无法写入输出文件夹 {args.out}（{exc.strerror or exc}）。", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
