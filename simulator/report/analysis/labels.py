"""Readable names for the analysis PDFs: targets, scenario field paths and uncertain inputs."""

from __future__ import annotations

import math

from simulator.scenario.schema import Scenario
from simulator.report.i18n.text import Text, cap, has_cjk

# the last segment(s) of a field path, as words (keys of the strings)
FIELDS = {"build_months": "f_build", "start": "f_start", "online": "f_online",
          "capacity": "f_capacity", "demand": "f_demand", "from": "f_from",
          "ramp_months": "f_ramp", "retire": "f_retire", "growth": "f_growth",
          "max_utilization": "f_max_util", "policy": "f_policy",
          "leave_after_unserved_months": "f_leave", "window": "f_window", "delay": "f_delay",
          "share_of_idle": "f_share_idle", "price_per_p_month": "f_price",
          "outside_price": "f_outside_price", "price_decline": "f_price_decline"}
PERCENT_KINDS = ("growth", "market_share", "price_decline")  # swings shown in per cent
BUILD_CLASS_ZH = {"fit-out": "改造", "new-building": "新建", "campus": "园区"}
BUILD_CLASS_EN = {"new-building": "new building"}


class Names:
    """Names of a scenario's parts in the report's language."""

    def __init__(self, s: Scenario, t: Text):
        self.s, self.t = s, t

    # ------------------------------------------------------------------ parts
    def type_label(self, typ: str) -> str:
        ct = self.s.compute_types.get(typ)
        return self.t.pick(ct.label, ct.label_en, typ) if ct else typ

    def target(self, key: str) -> str:
        """'1,000P 超算（2025-12）' / '1,000P HPC by 2025-12'."""
        tg = next((x for x in self.s.targets if x.key == key), None)
        if tg is None:
            return key
        from simulator.units import format_month

        return self.t("an_target", cap=cap(tg.capacity), label=self.type_label(tg.type),
                      by=format_month(tg.by))

    def facility(self, fid: str) -> str:
        f = next((f for f in self.s.facilities if f.id == fid), None)
        return self.t.pick(f.name, f.name_en, fid) if f else fid

    def phase(self, fid: str, pid: str) -> str:
        """The facility and, if it has several phases, the phase: '国家…中心（宜昌）二期'."""
        f = next((f for f in self.s.facilities if f.id == fid), None)
        name = self.facility(fid)
        if f is None or len(f.phases) < 2:
            return name
        ph = next((p for p in f.phases if p.id == pid), None)
        label = self.t.pick(getattr(ph, "name", None), getattr(ph, "name_en", None), pid) \
            if ph else pid
        return f"{name}{label}" if self.t.lang == "zh" and has_cjk(label) else f"{name} {label}"

    def tenant(self, tid: str) -> str:
        tn = next((x for x in self.s.tenants if x.id == tid), None)
        return self.t.pick(tn.name, tn.name_en, tid) if tn else tid

    def event(self, eid: str) -> str:
        """An event's name; without one in the language, its id read as words."""
        ev = next((e for e in self.s.events if e.id == eid), None)
        if ev is None:
            return eid
        return self.t.pick(ev.name, getattr(ev, "name_en", None), eid.replace("-", " "))

    def build_class(self, name: str) -> str:
        if self.t.lang == "zh":
            return BUILD_CLASS_ZH.get(name, name)
        return BUILD_CLASS_EN.get(name, name)

    # ------------------------------------------------------------------ field paths
    def path(self, path: str) -> tuple[str, str]:
        """(whose, what) of a field path: ('携程', '签约概率') for tenants.ctrip.probability."""
        seg = path.split(".")
        t = self.t
        if seg[0] == "facilities" and len(seg) >= 2:
            if len(seg) >= 5 and seg[2] == "phases":
                return self.phase(seg[1], seg[3]), self._field(seg[4:])
            return self.facility(seg[1]), self._field(seg[2:])
        if seg[0] == "tenants" and len(seg) >= 3:
            what = t("f_sign_p") if seg[2:] == ["probability"] else self._field(seg[2:])
            return self.tenant(seg[1]), what
        if seg[0] == "events" and len(seg) >= 3:
            what = t("f_event_p") if seg[2:] == ["probability"] else self._field(seg[2:])
            return self.event(seg[1]), what
        if seg[0] == "targets" and len(seg) >= 3:
            return self.target(seg[1]), self._field(seg[2:])
        if seg[0] in ("scheduling", "defaults") and len(seg) >= 2:
            return "", self._field(seg[1:])
        if seg[0] == "market" and len(seg) >= 3:
            return t("f_market_of", label=self.type_label(seg[1])), self._field(seg[2:])
        return "", path

    def _field(self, seg: list[str]) -> str:
        head = FIELDS.get(seg[0])
        if head is None:
            return ".".join(seg)
        word = self.t(head)
        rest = seg[1:]
        if rest and rest[0] in self.s.compute_types:  # capacity.ai, demand.ai
            return word + self.t.paren(self.type_label(rest[0]))
        if rest and rest != ["months"]:
            return word + " " + ".".join(rest)
        return word

    def path_label(self, path: str) -> str:
        """'携程：签约概率' / 'Trip.com (Ctrip): signing probability'."""
        whose, what = self.path(path)
        return self.t.colon(whose, what) if whose else what

    # ------------------------------------------------------------------ uncertain inputs
    def input_range(self, kind: str, low: float, high: float) -> str:
        """The swing of an input: '12.4–20.3 个月', '0–1', '7.5%–22.5%/yr'."""
        t = self.t
        if kind in ("build_months", "event_delay"):
            return t("u_months", a=f"{low:.1f}", b=f"{high:.1f}")
        if kind in PERCENT_KINDS:
            return t("u_growth", a=_pct(low), b=_pct(high))
        return f"{_num(low)}–{_num(high)}"

    def input_label(self, path: str, kind: str, low: float | None = None,
                    high: float | None = None) -> str:
        """'国家先进计算产业创新中心（宜昌）二期：建设工期（12.4–20.3 个月）'."""
        whose, what = self.path(path)
        if kind == "event_delay":
            what = self.t("f_delay")
        text = self.t.colon(whose, what) if whose else what
        if low is None or high is None:
            return text
        return text + self.t.paren(self.input_range(kind, low, high))

    def value(self, path: str, value) -> str:
        """A swept value as shown: months and text as is, numbers without trailing zeros."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _num(value)
        return str(value)


def _num(v: float) -> str:
    v = float(v)
    if math.isfinite(v) and v == round(v):
        return f"{v:,.0f}"
    return f"{v:,.3g}"


def _pct(v: float) -> str:
    return f"{v * 100:.1f}".rstrip("0").rstrip(".") + "%"
