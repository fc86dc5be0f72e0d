"""The filter every query takes: as-of date, period, area scope and household category."""

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta

PERIOD_KINDS = ("month", "quarter")
COUNTY_DIGITS, TOWNSHIP_DIGITS = 6, 9


@dataclass(frozen=True)
class Filter:
    as_of: date
    period: str = "quarter"          # month | quarter: window for "in this period" flows, trend grain
    township: str | None = None      # 9-digit township code
    village: str | None = None       # 12-digit village code
    category: str | None = None      # monitor category code (queries/codes.py)
    scope: str | None = None         # area a user is confined to (6-digit county or 9-digit township code)
    county: str | None = None        # 6-digit county code (a city database holds several counties)

    def __post_init__(self):
        if self.period not in PERIOD_KINDS:
            raise ValueError(f"unknown period {self.period!r}")
        # Access scope: every query honours `county`, `township` and `village` (queries/scope.py), and the
        # dashboard's pipeline sets `scope` to the user's county or township on every call
        # (dashboard/common/data.py), so clamping them here filters every query of a confined user, whatever
        # the page or URL asks. Area codes are hierarchical: a township's code begins with its county's.
        if self.scope:
            if len(self.scope) == TOWNSHIP_DIGITS:
                self._set("township", self.scope)
            elif self.township and not self.township.startswith(self.scope):
                self._set("township", None)
            self._set("county", self.scope[:COUNTY_DIGITS])
        if self.township:                                  # a township lies in one county: its own
            self._set("county", self.township[:COUNTY_DIGITS])
        area = self.township or self.county
        if self.village and area and not self.village.startswith(area):
            self._set("village", None)

    def _set(self, name: str, value) -> None:
        object.__setattr__(self, name, value)

    def at(self, as_of: date) -> "Filter":
        return replace(self, as_of=as_of)

    @property
    def previous_quarter(self) -> "Filter":
        """Same filter on the same day one quarter earlier: the basis of every '较上季度' change."""
        return self.at(months_before(self.as_of, 3))

    @property
    def period_start(self) -> date:
        return period_start(self.as_of, self.period)

    @property
    def overdue_cutoff(self) -> date:
        """Leads raised before this day and still undecided are overdue (more than 15 days)."""
        return self.as_of - timedelta(days=LEAD_DECISION_DAYS)


LEAD_DECISION_DAYS = 15  # national rule: a lead is decided within 15 days


def units_below(f: Filter, city: bool = False) -> str:
    """The level a view lists its areas by: a township's villages, a county's townships, a city's counties."""
    if f.township:
        return "village"
    return "county" if city and not f.county else "township"


def months_before(d: date, months: int) -> date:
    """The same day `months` earlier; a month's last day maps to that month's last day
    (2026-06-30 -> 2026-03-31), so quarter-end data is compared with quarter-end data."""
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    m += 1
    last = calendar.monthrange(y, m)[1]
    if d.day == calendar.monthrange(d.year, d.month)[1]:
        return date(y, m, last)
    return date(y, m, min(d.day, last))


def period_start(d: date, kind: str) -> date:
    if kind == "month":
        return d.replace(day=1)
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def period_label(d: date, kind: str) -> str:
    if kind == "month":
        return f"{d.year}年{d.month}月"
    return f"{d.year}年第{(d.month - 1) // 3 + 1}季度"


def period_tick(key: str) -> str:
    """A period key of the query layer as an axis label: "2026-Q2" -> "2026年2季度"; months stay "2026-06"."""
    year, _, part = key.partition("-")
    return f"{year}年{part[1:]}季度" if part.startswith("Q") else key


def period_end(d: date, kind: str) -> date:
    """The last day of the month or quarter holding d."""
    last_month = d.month if kind == "month" else (d.month - 1) // 3 * 3 + 3
    return date(d.year, last_month, calendar.monthrange(d.year, last_month)[1])


def partial_note(d: date, kind: str) -> str:
    """"（未满，截至6月15日）" when the as-of day is before the period's end, else ""."""
    return "" if d >= period_end(d, kind) else f"（未满，截至{d.month}月{d.day}日）"
