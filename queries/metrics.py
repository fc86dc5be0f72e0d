"""Metric definitions (口径). Each query module defines its metrics next to its SQL with ``define``;
the UI shows the same text as tooltips and on the 指标说明 page."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str
    name: str
    definition: str
    unit: str = "户"
    topic: str = ""

    @property
    def short(self) -> str:
        """The 口径 in one line, for exports: the name and the definition's first sentence (the rule; the
        rest explains it and is on the 指标说明 page)."""
        return f"{self.name}＝{self.definition.split('。')[0]}"


METRICS: dict[str, Metric] = {}


def define(key: str, name: str, definition: str, unit: str = "户", topic: str = "") -> Metric:
    if key in METRICS and METRICS[key] != Metric(key, name, definition, unit, topic):
        raise ValueError(f"metric {key!r} defined twice with different text")
    METRICS[key] = Metric(key, name, definition, unit, topic)
    return METRICS[key]


def metric(key: str) -> Metric:
    return METRICS[key]


def basis(*keys: str) -> str:
    """The 口径 line an export of these metrics carries: "口径：name＝rule；name＝rule"."""
    return "口径：" + "；".join(metric(k).short for k in keys) if keys else ""


def all_metrics() -> list[Metric]:
    import queries  # noqa: F401  (importing the package registers every module's metrics)
    return list(METRICS.values())
