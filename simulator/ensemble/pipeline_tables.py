"""The pipeline's rows of the monthly table and its table of project counts.

monthly.csv convention (only for a scenario with `pipeline:`): `capacity_p` stays the whole
installed capacity; for every type a stream builds, `declared_capacity_p` (the phases written
in `facilities`) and `pipeline_capacity_p` (projects of the pipeline) split it, facility `all`,
so declared + pipeline = capacity_p; the same three with type `all` add every type together (as
city and province totals count). The counts `pipeline_announced`, `pipeline_approved`,
`pipeline_abandoned` and `pipeline_online` are cumulative numbers of projects by each month,
with the stream's id in the `facility` column and its type in `type`.
"""

from __future__ import annotations

import numpy as np

from simulator.engine.arrays import Compiled
from simulator.engine.pipeline import COUNTS

SPLIT_METRICS = ("declared_capacity_p", "pipeline_capacity_p")
COUNT_METRICS = tuple(f"pipeline_{k}" for k in COUNTS)


def pipeline_rows(c: Compiled) -> list[tuple[str, str, str]]:
    """(metric, type, facility) rows the pipeline adds to the monthly table ([] without one)."""
    pa = c.pipeline
    if pa is None or not pa.stream_ids:
        return []
    types = [c.types[t] for t in sorted(set(pa.stream_type.tolist()))]
    rows = [(metric, typ, "all") for typ in types for metric in SPLIT_METRICS]
    rows += [(metric, "all", "all") for metric in ("capacity_p",) + SPLIT_METRICS]
    for s, sid in enumerate(pa.stream_ids):
        rows += [(metric, c.types[pa.stream_type[s]], sid) for metric in COUNT_METRICS]
    return rows


def pipeline_columns(r, per_type_capacity: np.ndarray) -> dict[tuple, np.ndarray]:
    """The values of `pipeline_rows` for a RunResult, each (R, H); `per_type_capacity` is the
    installed capacity of each type (R, H, T) [P]."""
    c, pipe = r.compiled, r.pipeline
    rows = pipeline_rows(c)
    if not rows:
        return {}
    H = c.months
    month = np.arange(H, dtype=float)[None, :, None]
    out = {}
    total, pipe_total = per_type_capacity.sum(axis=2), pipe["capacity_p"].sum(axis=2)
    for metric, typ, fac in rows:
        every = typ == "all"
        t = None if every else c.types.index(typ)
        built = total if every else per_type_capacity[:, :, t]
        piped = pipe_total if every else pipe["capacity_p"][:, :, t]
        if metric == "pipeline_capacity_p":
            out[(metric, typ, fac)] = piped
        elif metric == "declared_capacity_p":
            out[(metric, typ, fac)] = built - piped
        elif metric == "capacity_p":
            out[(metric, typ, fac)] = built
    for s, sid in enumerate(c.pipeline.stream_ids):
        slots = c.pipeline.slots[s]
        typ = c.types[c.pipeline.stream_type[s]]
        months = (pipe["phase_announced"], pipe["phase_approved"], pipe["phase_dropped"],
                  r.phase_online)
        for metric, when in zip(COUNT_METRICS, months):
            out[(metric, typ, sid)] = (when[:, None, slots] <= month).sum(axis=2).astype(float)
    return out


def counts_table(c: Compiled, sm):
    """Projects per stream (and `all`): announced, approved, abandoned, online within the
    horizon: mean, p10, p50, p90 over the replications (from the Summary `sm`)."""
    import pandas as pd

    block = sm.blocks.get("pipeline_counts")
    if block is None or c.pipeline is None or not c.pipeline.stream_ids:
        return pd.DataFrame(columns=["stream", "count", "mean", "p10", "p50", "p90"])
    mean, q = block.means(sm.n), block.hist.quantiles()  # series (stream, count) flattened
    rows = []
    for s, sid in enumerate(list(c.pipeline.stream_ids) + ["all"]):
        for i, name in enumerate(COUNTS):
            k = s * len(COUNTS) + i
            rows.append((sid, name, float(mean[k]), float(q[0][k]), float(q[1][k]),
                         float(q[2][k])))
    return pd.DataFrame(rows, columns=["stream", "count", "mean", "p10", "p50", "p90"])


def counts_summary(table) -> dict:
    """summary.json's `pipeline`: {stream: {count: {mean, p10, p50, p90}}}."""
    out: dict = {}
    for row in table.to_dict("records"):
        out.setdefault(row["stream"], {})[row["count"]] = {
            k: float(f"{row[k]:.10g}") for k in ("mean", "p10", "p50", "p90")}
    return out


def shocks_summary(c: Compiled, sm) -> dict:
    """summary.json's `shocks` (with a pipeline, a capacity factor or a switch): per event, the
    chance it hits within the horizon and, when it does, the capacity of the phases it delayed
    and the capacity its factor cut: {mean, p10, p50, p90} [P]; for an event with a `switch`,
    also `switch`: its from, to, units_factor and what it changed (after - before) in
    capacity_p [P], site_power_mw (IT x PUE) [MW] and capex_mcny [million CNY] (from the
    Summary `sm`)."""
    hits = sm.counts["event_hit"]
    block = sm.blocks["shock_effects"]
    W = block.hist.size // max(len(c.scenario.events), 1)  # effects per event
    mean, q = block.band(np.repeat(hits, W))  # series (event, effect)

    def stats(e: int, i: int) -> dict:
        k = W * e + i
        values = [mean[k], q[0][k], q[1][k], q[2][k]] if hits[e] else [0.0, None, None, None]
        return {key: None if v is None else float(f"{v:.10g}") for key, v in zip(
            ("mean", "p10", "p50", "p90"), values)}

    out = {}
    for e, ev in enumerate(c.scenario.events):
        entry = {"probability_hit": float(hits[e] / max(sm.n, 1))}
        for i, name in enumerate(("delayed_p", "cut_p")):
            entry[name] = stats(e, i)
        if ev.switch is not None:
            sw = ev.switch
            entry["switch"] = {"from": sw.from_, "to": sw.to, "units_factor": sw.units_factor,
                               **{name: stats(e, i) for i, name in (
                                   (2, "capacity_p"), (3, "site_power_mw"), (4, "capex_mcny"))}}
        out[ev.id] = entry
    return out

