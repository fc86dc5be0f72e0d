"""What an import reports back: errors at (file, sheet, row, column) and counts per table."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Issue:
    file: str                 # file name as given
    sheet: str                # worksheet name (for CSV: the file name)
    row: int | None           # row number as Excel shows it (1 = first row); None = the whole sheet/file
    column: str | None        # column letter as Excel shows it ("C"); None = the whole row / sheet
    header: str | None        # the column's header text, for the reader
    message: str              # what is wrong, in Chinese

    @property
    def where(self) -> str:
        parts = [self.file]
        if self.sheet and self.sheet != self.file:
            parts.append(f"工作表「{self.sheet}」")
        if self.row is not None:
            parts.append(f"{self.column or ''}{self.row}" if self.column else f"第{self.row}行")
        if self.header:
            parts.append(f"「{self.header}」")
        return " ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}：{self.message}"


@dataclass
class ImportResult:
    ok: bool
    counts: dict[str, int] = field(default_factory=dict)       # table -> rows in the files that were written
    changes: dict[str, dict[str, int]] = field(default_factory=dict)  # table -> inserted/updated/deleted
    errors: list[Issue] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)            # ignored sheets and columns
    seconds: float = 0.0
    report_path: Path | None = None

    def summary(self) -> str:
        from seed.importer.spec import by_table
        names = {t: sp.name for t, sp in by_table().items()}
        if not self.ok:
            return f"发现 {len(self.errors)} 处错误，未写入任何数据。"
        parts = []
        for table, n in self.counts.items():
            c = self.changes.get(table, {})
            detail = "，".join(f"{label}{c[k]}" for k, label in (("inserted", "新增"), ("updated", "更新"),
                                                                 ("deleted", "删除")) if c.get(k))
            parts.append(f"{names.get(table, table)} {n} 行" + (f"（{detail}）" if detail else ""))
        return "导入成功：" + "；".join(parts) + f"。用时 {self.seconds:.1f} 秒。"
