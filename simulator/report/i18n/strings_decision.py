"""Words of the decision page, the overrides on covers, colour legends and empty-chart lines."""

DECISION_STRINGS: dict[str, tuple[str, str]] = {
    "d_overrides": ("覆盖参数（--set）", "Overrides (--set)"),
    "d_overrides_n": ("{n} 项覆盖参数", "{n} overrides"),
}
