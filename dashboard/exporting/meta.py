"""What every export carries: its title, the filters it was made with and the as-of stamp."""

import re
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from queries.privacy import mask_id_number, mask_phone


@dataclass(frozen=True)
class ExportMeta:
    title: str                 # what the export shows, e.g. "各乡镇未解除预警"
    county: str                # 测试县
    scope: str                 # filters as text: "城关镇 · 脱贫不稳定户" (Context.scope)
    stamp: str                 # "数据截至 2026年6月30日" (Context.stamp)
    period: str = ""           # "2026年第2季度"
    user: str = ""             # who exported, for the footer: "张三（县级）"
    basis: str = ""            # 口径 of what it shows, short form: queries.metrics.basis(*keys)
    generated: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))

    @property
    def filters_text(self) -> str:
        """One line: scope, period and as-of stamp (drawn on images, written in title rows)."""
        parts = [f"范围：{self.county} · {self.scope}" if self.county else f"范围：{self.scope}"]
        if self.period:
            parts.append(f"本期：{self.period}")
        parts.append(self.stamp)
        return "　｜　".join(parts)

    @property
    def source_text(self) -> str:
        """Where the numbers come from and as of when: 数据来源：测试县防返贫动态监测数据库，截至2026年6月30日"""
        as_of = self.stamp.replace("数据截至", "").strip()
        return f"数据来源：{self.county}防返贫动态监测数据库" + (f"，截至{as_of}" if as_of else "")

    @property
    def notes(self) -> list[str]:
        """What every artefact prints under its title or chart: the 口径 line (if any) and the source line."""
        return [t for t in (self.basis, self.source_text) if t]

    @property
    def export_text(self) -> str:
        who = f"导出人：{self.user}　" if self.user else ""
        return f"{who}导出时间：{self.generated:%Y-%m-%d %H:%M}　｜　防返贫动态监测系统"

    def file_name(self, ext: str) -> str:
        """A file name saying what, where and as of when: 各乡镇未解除预警_城关镇_2026-06-30.png"""
        as_of = _as_of_from_stamp(self.stamp)
        parts = [self.title, self.scope.replace(" · ", "_")] + ([as_of] if as_of else [])
        return safe_file_name("_".join(parts)) + f".{ext}"


def _as_of_from_stamp(stamp: str) -> str:
    m = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", stamp)
    return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}" if m else ""


def safe_file_name(text: str, limit: int = 120) -> str:
    """No path separators or characters Windows refuses; keeps Chinese."""
    text = re.sub(r'[\\/:*?"<>|\r\n\t]+', "", text).strip().strip(".")
    text = re.sub(r"[（(]", "_", text)
    text = re.sub(r"[）)]", "", text)
    text = re.sub(r"\s+", "", text)
    return text[:limit] or "导出"


# -- safety net for personal data ------------------------------------------------------------------------
# Frames arrive masked for the viewer from the data pipeline (dashboard/common/data.py). As a last line
# of defence nothing that looks like a full ID number (18 characters, GB 11643) or a mobile number leaves
# in an export, whatever the role or a "reveal" on screen.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def scrub_text(value: str) -> str:
    value = ID_NUMBER.sub(lambda m: mask_id_number(m[0]), value)
    return MOBILE.sub(lambda m: mask_phone(m[0]), value)


def scrub_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Mask anything that looks like a full ID number or mobile number in text cells (and headers)."""
    out = df.copy()
    out.columns = [scrub_text(c) if isinstance(c, str) else c for c in out.columns]
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if col.dtype == object or pd.api.types.is_string_dtype(col):
            out.iloc[:, i] = col.map(lambda v: scrub_text(v) if isinstance(v, str) else v)
    return out
