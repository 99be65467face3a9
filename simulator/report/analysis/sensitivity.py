"""Tornado charts: each uncertain input swung low and high, its effect on a target or on demand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import ScaledTranslation

from simulator.report.analysis.labels import PERCENT_KINDS, Names
from simulator.report.axes import empty, number_axis, titles
from simulator.report.i18n.text import Text, cap, has_cjk, num, wrap

# low and high settings of an input: greys, so no compute type's colour means something else here
LOW_COLOR, HIGH_COLOR, BASE_COLOR = "#A6A6A6", "#4D4D4D", "#C00000"
MAX_ROWS = 14  # inputs per tornado; the rest are in the table
EPS = 1e-9


@dataclass
class TornadoData:
    """One measure against each input at its low and its high value, largest swing first."""

    labels: list[str]  # inputs (with their ranges)
    base: float  # the measure with every input at base
    low: np.ndarray  # the measure with the input at its low value
    high: np.ndarray  # ... at its high value
    fmt: Callable[[float], str] = num  # a value as text
    percent: bool = False  # a probability: the axis runs 0-100 %
    title: str = ""
    note: str = ""
    legend: dict = field(default_factory=dict)  # low, high, base, same
    flat: str = ""  # said instead of bars when no input moves the measure


def plot_tornado(ax, data: TornadoData, *, labels: bool = True, legend_at: str | None = "below",
                 label_width: int = 40):
    """Two bars per input from the base value: to the outcome with the input low (upper bar)
    and high (lower bar), each labelled with the outcome; the base as a vertical line. Inputs
    run top-down, largest swing first. Returns the ax."""
    n = len(data.labels)
    if n == 0:
        return empty(ax, data.flat or "–")
    low, high, base = np.asarray(data.low, float), np.asarray(data.high, float), data.base
    y = np.arange(n)
    moved = (np.abs(low - base) > EPS) | (np.abs(high - base) > EPS)
    values = np.concatenate([low, high, [base]])
    if data.percent:  # 0-100 %, with room for the labels at the bars' ends
        ends = np.concatenate([low[moved], high[moved], [base]])
        lo, hi = min(-0.02, float(ends.min()) - 0.1), max(1.02, float(ends.max()) + 0.1)
    else:
        span = float(values.max() - values.min()) or max(abs(base), 1.0) * 0.1
        lo, hi = float(values.min()) - span * 0.28, float(values.max()) + span * 0.28
    for off, vals, color in ((-0.19, low, LOW_COLOR), (0.19, high, HIGH_COLOR)):
        ax.barh(y + off, vals - base, left=base, height=0.36, color=color, zorder=2)
        for yi, v, m in zip(y + off, vals, moved):
            if m and abs(v - base) > EPS:
                right = v > base
                ax.annotate(data.fmt(v), (v, yi), xytext=(3 if right else -3, 0),
                            textcoords="offset points", ha="left" if right else "right",
                            va="center", fontsize=8, color="#333333")
    for yi, m in zip(y, moved):
        if not m and moved.any():  # else the box below says it once
            ax.annotate(data.legend.get("same", "="), (base, yi), xytext=(5, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=8,
                        color="#888888")
    ax.axvline(base, color=BASE_COLOR, linewidth=1.1, zorder=3)
    ax.set_ylim(n - 0.5, -0.6)
    ax.set_xlim(lo, hi)
    if labels:  # else the axes shares its y axis with one that has them
        ax.set_yticks(y, [wrap(s, label_width, 3) for s in data.labels], fontsize=8.5)
    ax.tick_params(axis="y", length=0)
    number_axis(ax, "x", percent=data.percent, nbins=6)
    if data.percent:
        ax.set_xticks(np.linspace(0, 1, 6 if moved.any() else 3))
        ax.set_xlim(lo, hi)
    ax.grid(axis="y", visible=False)
    nonzero = not data.percent and lo > 0 and data.legend.get("nonzero")
    sep = ("；" if has_cjk(data.note) else "; ") if data.note else ""
    titles(ax, data.title, data.note + (sep + nonzero if nonzero else ""))
    if not moved.any() and data.flat:
        ax.text(0.5, 0.5, wrap(data.flat, 24), transform=ax.transAxes, ha="center",
                va="center", color="#555555", fontsize=10.5,
                bbox=dict(boxstyle="round,pad=0.5", facecolor="white", edgecolor="#DDDDDD"))
    if legend_at:
        legend_below(ax, legend_handles(data))
    return ax


def legend_below(ax, handles: list, ncol: int | None = None):
    """A legend in a row under the axes, clear of its tick labels."""
    shift = ScaledTranslation(0, -24 / 72, ax.figure.dpi_scale_trans)
    return ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.0),
                     bbox_transform=ax.transAxes + shift, ncol=ncol or len(handles),
                     fontsize=9, borderaxespad=0.0)


def legend_handles(data: TornadoData) -> list:
    return [Patch(color=LOW_COLOR, label=data.legend.get("low", "low")),
            Patch(color=HIGH_COLOR, label=data.legend.get("high", "high")),
            Line2D([], [], color=BASE_COLOR, linewidth=1.1,
                   label=data.legend.get("base", "base").format(v=data.fmt(data.base)))]


# ---------------------------------------------------------------------------- data
def labelled(df: pd.DataFrame, names: Names) -> list[str]:
    return [names.input_label(r["input"], r["kind"], r["low"], r["high"])
            for r in df.to_dict("records")]


def gap_measure(rows: pd.DataFrame) -> tuple[str, int, int]:
    """Which gap a target's tornado shows: the median, unless the mean gap moves with more
    inputs (a median of few distinct outcomes can sit still while the risk moves). Returns
    (column prefix, inputs moving the median, inputs moving the mean)."""
    n_med = int((rows["swing_gap_p50"] > EPS).sum())
    n_mean = int((rows["swing_gap_mean"] > EPS).sum())
    return ("gap_p50" if n_med >= n_mean else "gap_mean"), n_med, n_mean


def _legend(t: Text) -> dict:
    return {"low": t("s_low"), "high": t("s_high"), "base": t("s_base_line", v="{v}"),
            "same": t("s_same"), "nonzero": t("s_axis_base")}


def target_tornadoes(df: pd.DataFrame, target: str, names: Names
                     ) -> tuple[TornadoData, TornadoData, list[str]]:
    """P(met) and gap tornadoes of a target over the inputs that move either (the first
    MAX_ROWS), and the inputs that move neither."""
    t = names.t
    rows = df[df["target"] == target].sort_values("rank")
    gap, n_med, n_mean = gap_measure(rows)
    moves = (rows["swing_p_met"] > EPS) | (rows[f"swing_{gap}"] > EPS)
    shown = rows[moves].head(MAX_ROWS)
    idle = [names.input_label(r["input"], r["kind"]) for r in rows[~moves].to_dict("records")]
    labels = labelled(shown, names)
    first = rows.iloc[0] if len(rows) else None
    base_p = float(first["p_met_base"]) if first is not None else 0.0
    cut = int(moves.sum()) - len(shown)
    pmet = TornadoData(labels, base_p, shown["p_met_low"].to_numpy(),
                       shown["p_met_high"].to_numpy(), t.pct, True, t("s_t_pmet"),
                       t("s_others", n=cut) if cut else t("s_n_base", p=t.pct(base_p)),
                       legend=_legend(t),
                       flat=t("s_no_move", what=t("p_met"), v=t.pct(base_p)))
    base_g = float(first[f"{gap}_base"]) if first is not None else 0.0
    note = "" if gap == "gap_p50" else t("s_n_gap_mean", n=n_med, m=n_mean)
    gapd = TornadoData(labels, base_g, shown[f"{gap}_low"].to_numpy(),
                       shown[f"{gap}_high"].to_numpy(), cap, False,
                       t("s_t_gap_p50" if gap == "gap_p50" else "s_t_gap_mean"), note,
                       legend=_legend(t), flat=t("s_h_gap_flat", v=cap(base_g)))
    return pmet, gapd, idle


def unmet_tornado(df: pd.DataFrame, names: Names) -> TornadoData:
    """Unmet demand (P-months, all types, mean) against each input (one row per input)."""
    t = names.t
    rows = df.drop_duplicates("input").sort_values(["swing_unmet_p_months", "input"],
                                                   ascending=[False, True], kind="stable")
    rows = rows[rows["swing_unmet_p_months"] > EPS].head(MAX_ROWS + 4)
    base = float(df["unmet_p_months_base"].iloc[0]) if len(df) else 0.0
    return TornadoData(labelled(rows, names), base, rows["unmet_p_months_low"].to_numpy(),
                       rows["unmet_p_months_high"].to_numpy(), num, False, t("s_t_unmet"),
                       legend=_legend(t), flat=t("s_no_move", what=t("k_unmet"), v=num(base)))


def _swing(r, what: str, fmt, names: Names) -> dict:
    """The fields of a sentence on an input's swing: input, lo_v/hi_v (its values), lo/hi."""
    t = names.t
    return {"input": names.input_label(r["input"], r["kind"]),
            "lo_v": _value(r["kind"], r["low"], t), "hi_v": _value(r["kind"], r["high"], t),
            "lo": fmt(r[f"{what}_low"]), "hi": fmt(r[f"{what}_high"])}


def headline(df: pd.DataFrame, target: str, names: Names) -> tuple[float, str]:
    """One sentence per target: P(met) at base and what moves it, and what moves the gap."""
    t = names.t
    rows = df[df["target"] == target].sort_values("rank")
    r0 = rows.iloc[0]
    parts = []
    top_p = rows.sort_values("swing_p_met", ascending=False, kind="stable").iloc[0]
    if top_p["swing_p_met"] > EPS:
        parts.append(t("s_h_pmet", p=t.pct(r0["p_met_base"]),
                       **_swing(top_p, "p_met", t.pct, names)))
    else:
        parts.append(t("s_h_pmet_flat", p=t.pct(r0["p_met_base"])))
    gap, *_ = gap_measure(rows)
    top_g = rows.sort_values(f"swing_{gap}", ascending=False, kind="stable").iloc[0]
    if top_g[f"swing_{gap}"] > EPS:
        what = t("s_w_median" if gap == "gap_p50" else "s_w_mean")
        parts.append(t("s_h_gap", what=what, **_swing(top_g, gap, cap, names)))
    else:
        parts.append(t("s_h_gap_flat", v=cap(r0["gap_p50_base"])))
    return float(r0["p_met_base"]), t.colon(names.target(target), t.semi.join(parts))


def unmet_headline(df: pd.DataFrame, names: Names) -> str | None:
    t = names.t
    rows = df.drop_duplicates("input").sort_values("swing_unmet_p_months", ascending=False,
                                                   kind="stable")
    if not len(rows) or rows.iloc[0]["swing_unmet_p_months"] <= EPS:
        return None
    r = rows.iloc[0]
    return t("s_h_unmet", base=num(r["unmet_p_months_base"]),
             **_swing(r, "unmet_p_months", num, names))


def table_rows(df: pd.DataFrame, target: str, names: Names) -> list[list[str]]:
    t = names.t
    out = []
    for r in df[df["target"] == target].sort_values("rank").to_dict("records"):
        lo, hi = (_value(r["kind"], r[k], t) for k in ("low", "high"))
        out.append([str(r["rank"]), names.input_label(r["input"], r["kind"]),
                    lo, hi, _three(r, "p_met", t.pct), _three(r, "gap_p50", cap),
                    _three(r, "gap_mean", cap),
                    f"{num(r['unmet_p_months_low'])} / {num(r['unmet_p_months_high'])}"])
    return out


def cover_rows(df: pd.DataFrame, target: str, names: Names, top: int) -> list[list[str]]:
    """The `top` inputs that move a target, for the cover."""
    rows = df[df["target"] == target].sort_values("rank")
    rows = rows[(rows["swing_p_met"] > EPS) | (rows["swing_gap_p50"] > EPS)
                | (rows["swing_gap_mean"] > EPS)].head(top)
    return [[names.target(target), names.input_label(r["input"], r["kind"], r["low"], r["high"]),
             _three(r, "p_met", names.t.pct), _three(r, "gap_p50", cap),
             _three(r, "gap_mean", cap)] for r in rows.to_dict("records")]


def cover_header(t: Text) -> list[str]:
    return [t("target"), t("s_c_input"), t("s_c_pmet"), t("s_c_gap"), t("s_c_gap_mean")]


def table_header(t: Text) -> list[str]:
    return [t("s_c_rank"), t("s_c_input"), t("s_c_low"), t("s_c_high"), t("s_c_pmet"),
            t("s_c_gap"), t("s_c_gap_mean"), t("s_c_unmet")]


def _three(r: dict, what: str, fmt) -> str:
    return " / ".join(fmt(r[f"{what}_{side}"]) for side in ("low", "base", "high"))


def _value(kind: str, v: float, t: Text) -> str:
    if kind in ("build_months", "event_delay"):
        return t("v_months", n=f"{v:.1f}")
    if kind in PERCENT_KINDS:
        return f"{v * 100:.1f}".rstrip("0").rstrip(".") + "%"
    return num(v, 0 if v == round(v) else 2)
