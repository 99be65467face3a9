"""The assumptions pages: the key inputs of the resolved scenario as tables, split over pages."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.units import format_month
from simulator.report.data import Results
from simulator.report.pages import A4_LANDSCAPE, draw_table
from simulator.report.i18n.text import cap, num, shorten

ROW_IN = 0.27  # inches per table row
PAGE_IN = 6.9  # inches of a page available to tables
TITLE_IN = 0.45  # inches of a table's heading


@dataclass
class Block:
    """A titled table: header, rows, alignment of each column."""

    title: str
    header: list[str]
    rows: list[list[str]]
    align: list[str] | None = None

    def height(self) -> float:
        return TITLE_IN + (len(self.rows) + 1) * ROW_IN


def _duration(res: Results, d) -> str:
    t = res.t
    if d is None:
        return "–"
    if isinstance(d, (int, float)):
        return t("v_months", n=f"{d:g}")
    return t("v_tri", a=f"{d.min:g}", b=f"{d.mode:g}", c=f"{d.max:g}")


def _scope(s, t) -> str:
    """'district dianjun (city yichang, province hubei)', or that the scenario names none."""
    if s.scope is None or s.scope.level is None:
        return t("v_scope_none")
    levels = [(k, v) for k, v in s.scope.model_dump().items() if v is not None]
    (k, v), rest = levels[0], levels[1:]
    return f"{k} {v}" + (f" ({', '.join(f'{a} {b}' for a, b in rest)})" if rest else "")


def _capacity(res: Results, capacity: dict) -> str:
    return " + ".join(f"{cap(v)} {res.type_label(k)}" for k, v in capacity.items())


def blocks(res: Results) -> list[Block]:
    """Every assumption table, in reading order."""
    t, s = res.t, res.scenario
    d = s.defaults
    targets = {}
    for tg in s.targets:
        targets.setdefault(tg.type, []).append(f"{cap(tg.capacity)} ({format_month(tg.by)})")
    types = Block(t("a_types"), [t("c_type"), t("c_precision"), t("c_targets"), t("c_kw"),
                                 t("c_capex_p"), t("c_price")],
                  [[res.type_label(k), ct.precision or "–", ", ".join(targets.get(k, [])) or "–",
                    _opt(d.power_kw_per_p.get(k)), _opt(d.capex_per_p.get(k)),
                    _opt(d.price_per_p_month.get(k))]
                   for k, ct in s.compute_types.items()],
                  ["left", "left", "left", "right", "right", "right"])
    sch = s.scheduling
    econ = Block(t("a_economics"), [t("c_item"), t("c_value")], [
        [t("v_scope"), _scope(s, t)],
        [t("v_pue"), f"{d.pue:g}"], [t("v_elec"), f"{d.electricity_price:g}"],
        [t("v_idle"), t.pct(d.idle_share)],
        [t("v_policy"), t("v_priority") if sch.policy == "priority" else t("v_proportional")],
        [t("v_max_util"), t.pct(sch.max_utilization)],
        [t("v_leave"), str(sch.leave_after_unserved_months or t("v_never"))],
    ], ["left", "left"])
    phases = {(r["facility"], r["phase"]): r for r in res.phases.to_dict("records")}
    fac_rows = []
    for f in s.facilities:
        for p in f.phases:
            fac_rows.append([shorten(res.facility_name(f.id), 52), res.phase_name(f.id, p.id),
                             _capacity(res, p.capacity), _when(res, p), _after(res, f.id, p),
                             num(phases.get((f.id, p.id), {}).get("capex_mcny", float("nan")))])
    facilities = Block(t("a_facilities"), [t("c_facility"), t("c_phase"), t("c_capacity"),
                                           t("c_online"), t("c_after"), t("c_capex")],
                       fac_rows,
                       ["left", "left", "left", "left", "left", "right"])
    ten_rows = []
    for tn in s.tenants:
        name = shorten(res.tenant_name(tn.id), 40) + (f" ×{tn.count}" if tn.count > 1 else "")
        when = (t("v_from", m=format_month(tn.from_)) if tn.from_ is not None else
                t("v_window", a=format_month(tn.sign.earliest), b=format_month(tn.sign.latest))
                if tn.sign else "–")
        if tn.until is not None:
            when += ", " + t("v_until", m=format_month(tn.until))
        if tn.facility:
            when += ", " + t("v_pinned", f=shorten(res.facility_name(tn.facility), 16))
        prob = tn.sign_probability
        ten_rows.append([name, t("l_signed") if tn.status == "signed" else t("l_negotiating"),
                         _capacity(res, tn.demand), when, t.pct(prob), f"{tn.ramp_months:g}",
                         t.pct(tn.growth)])
    tenants = Block(t("a_tenants"), [t("c_tenant"), t("c_status"), t("c_demand"), t("c_from"),
                                     t("c_prob"), t("c_ramp"), t("c_growth")],
                    ten_rows,
                    ["left", "left", "left", "left", "right", "right", "right"])
    return [b for b in (types, econ, facilities, tenants, _events(res)) if b.rows]


def _events(res: Results) -> Block:
    """The event table: probability, window and effect of each shock."""
    t, s = res.t, res.scenario
    ev_rows = [[shorten(res.event_name(e), 40), t.pct(e.probability),
                t("v_window", a=format_month(e.window.from_), b=format_month(e.window.to)),
                _event_effect(res, e)] for e in s.events]
    changes = any(e.switch is not None or (e.delay is None and e.capacity_factor is not None)
                  for e in s.events)  # then the last column holds more than a delay
    effect = t.pick("影响", "Effect", "Effect") if changes else t("c_delay")
    return Block(t("a_events"), [t("c_event"), t("c_p"), t("c_window"), effect],
                 ev_rows, ["left", "right", "left", "left"])


def _opt(value) -> str:
    return "–" if value is None else f"{value:,g}"


def _when(res: Results, p) -> str:
    t = res.t
    if p.online is not None:
        text = t("v_online", m=format_month(p.online))
    elif p.start is not None:
        text = t("v_start", m=format_month(p.start), d=_duration(res, p.build_months))
    else:
        text = t("v_after_only", d=_duration(res, p.build_months))
    if p.retire is not None:
        text += ", " + t("v_retire", m=format_month(p.retire))
    elif p.lifetime_months:
        text += ", " + t("v_life", n=p.lifetime_months)
    return text


def _after(res: Results, fid: str, p) -> str:
    t = res.t
    parts = []
    if p.after:  # the phase's name where it has one: 'p1' reads 一期
        other_f, _, other_p = p.after.rpartition(".")
        name = res.phase_name(other_f or fid, other_p)
        parts.append(f"{res.facility_name(other_f)} {name}" if other_f else name)
    if p.start_when:
        parts.append(t("v_trigger", u=t.pct(p.start_when.utilization_above),
                       n=p.start_when.for_months))
    return ", ".join(parts) or "–"


def split(items: list[Block]) -> list[list[Block]]:
    """Pack blocks onto pages in order, splitting a table too long for one page."""
    pages, current, used = [], [], 0.0
    per_page = int((PAGE_IN - TITLE_IN) / ROW_IN) - 1
    for b in items:
        chunks = [b.rows[i:i + per_page] for i in range(0, len(b.rows), per_page)] or [[]]
        for k, rows in enumerate(chunks):
            part = Block(b.title + (" …" if k else ""), b.header, rows, b.align)
            if current and used + part.height() > PAGE_IN:
                pages.append(current)
                current, used = [], 0.0
            current.append(part)
            used += part.height()
    if current:
        pages.append(current)
    return pages


def assumption_pages(doc, res: Results) -> None:
    """The assumptions as one or more pages of tables."""
    t = res.t
    for i, group in enumerate(split(blocks(res))):
        fig = doc.page(t("p_assumptions") + (t("a_more") if i else ""), layout=False)
        y = 0.905
        for b in group:
            fig.text(0.025, y, b.title, fontsize=12, va="top", color="#0B3D66")
            y -= TITLE_IN * 0.62 / A4_LANDSCAPE[1]
            h = (len(b.rows) + 1) * ROW_IN / A4_LANDSCAPE[1]
            width = 0.95 if len(b.header) > 2 else 0.55
            ax = fig.add_axes((0.025, y - h, width, h))
            draw_table(ax, b.header, b.rows, fontsize=8.5, align=b.align)
            y -= h + TITLE_IN * 0.38 / A4_LANDSCAPE[1]


def _event_effect(res: Results, e) -> str:
    """What an event does: its delay, its capacity factor (x0.6), its switch
    ('switch h800-sxm -> h20 x0.8'), joined."""
    from simulator.report.run.pipeline import switch_label

    t = res.t
    parts = [t("v_delay", types=", ".join(res.type_label(x) for x in e.delay.types),
               d=_duration(res, e.delay.months))] if e.delay else []
    if e.capacity_factor is not None and (e.delay is None or e.switch is not None):
        parts.append(f"x{e.capacity_factor:g}")
    if e.switch is not None:
        parts.append(switch_label(res, e))
    return t.semi.join(parts)
