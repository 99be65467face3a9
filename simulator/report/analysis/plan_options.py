"""plan.pdf's table of options: per target and build class, its status (flagged too late
before the scenario's `as_of`), what to add, by when, and its capex, power and utilisation."""

from __future__ import annotations

from simulator.report.analysis.labels import Names
from simulator.report.i18n.text import cap, num
from simulator.units import format_month, parse_month


def too_late(r: dict, s) -> bool:
    """A planned start before the scenario's `as_of` month (when its knowledge was frozen)."""
    return (r["status"] == "plan" and isinstance(r["latest_start"], str)
            and parse_month(r["latest_start"]) < s.knowledge_month)


def option_economics(r: dict, res) -> tuple[str, str, str]:
    """Capex [million CNY], site power at full load [MW] and the utilisation the option would
    run at (expected demand P50 at the deadline over the capacity with it), as text."""
    if r["status"] != "plan" or r["capacity_p"] != r["capacity_p"]:
        return "–", "–", "–"
    e, typ, add = res.scenario.defaults, r["type"], float(r["capacity_p"])
    pos = res.month_pos(r["by"])
    demand = float(res.band("demand_p", typ)["p50"].iloc[pos]) if pos is not None else 0.0
    built = float(res.band("capacity_p", typ)["p50"].iloc[pos]) if pos is not None else 0.0
    util = min(demand / (built + add), 1.0) if built + add > 0 else 0.0
    return (f"{add * e.capex_per_p.get(typ, 0.0):,.0f}",
            f"{add * e.power_kw_per_p.get(typ, 0.0) * e.pue / 1000:,.1f}", res.t.pct(util))


def table_rows(table, names: Names, res) -> list[list[str]]:
    t = names.t
    status = {"met": t("pl_s_met"), "plan": t("pl_s_plan"), "too late": t("pl_s_late")}
    out = []
    for r in table.to_dict("records"):
        plan = r["status"] == "plan"
        state = t("pl_s_before", m=format_month(names.s.knowledge_month)) \
            if too_late(r, names.s) else status.get(r["status"], r["status"])
        out.append([names.target(r["target"]), t.pct(r["p_met_now"]),
                    names.build_class(r["build_class"]),
                    " / ".join(num(r[k]) for k in ("build_min", "build_mode", "build_max")),
                    state, cap(r["capacity_p"]) if plan else "–",
                    r["latest_start"] if plan else "–",
                    t.pct(r["p_met_checked"]) if plan else "–", *option_economics(r, res)])
    return out
