/* The charts (Plotly, shipped in the plotly wheel): fan against target, Gantt, demand, money. */
"use strict";
const Charts = (() => {
  const FONT = "CapsimCJK, 'Noto Sans CJK SC', system-ui, sans-serif";
  const C = { band: "rgba(31,89,168,0.18)", p50: "#1f59a8", target: "#c0392b", served: "#1b9e77",
              unmet: "rgba(214,96,77,0.55)", demand: "#444", build: "#f0a04b", online: "#1f59a8" };
  const PINS = ["#1f59a8", "#d6604d", "#1b9e77", "#8e44ad"];
  const CONFIG = { displaylogo: false, responsive: true, displayModeBar: false };

  function layout(extra) {
    return Object.assign({
      font: { family: FONT, size: 13, color: "#222" }, margin: { l: 56, r: 16, t: 28, b: 36 },
      paper_bgcolor: "#fff", plot_bgcolor: "#fff", hovermode: "x unified",
      legend: { orientation: "h", y: -0.14, font: { size: 12 } },
      xaxis: { type: "date", gridcolor: "#eee", hoverformat: "%Y-%m" }, yaxis: { gridcolor: "#eee", rangemode: "tozero" },
    }, extra || {});
  }
  const typeLabel = (a, typ) => (a.types[typ] ? pick(a.types[typ], "label") : typ);
  const pf = (v) => (v == null ? "–" : Math.round(v).toLocaleString());

  function band(x, s, color, fill, name, group, show) {
    return [
      { x, y: s.p90, mode: "lines", line: { width: 0 }, hoverinfo: "skip", showlegend: false, legendgroup: group },
      { x, y: s.p10, mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: fill, name: name,
        hoverinfo: "skip", showlegend: show, legendgroup: group },
      { x, y: s.p50, mode: "lines", line: { color, width: 2.4 }, name: t("median"), legendgroup: group,
        customdata: s.p10.map((v, i) => [v, s.p90[i]]), showlegend: false,
        hovertemplate: "P50 %{y:,.0f}P · P10 %{customdata[0]:,.0f} – P90 %{customdata[1]:,.0f}<extra>" + name + "</extra>" },
    ];
  }

  function axes(n, lay) {
    // n side-by-side subplots with their own y axes.
    lay.grid = { rows: 1, columns: n, pattern: "independent", xgap: 0.12 };
    for (let i = 2; i <= n; i++) {
      lay["xaxis" + i] = Object.assign({}, lay.xaxis); lay["yaxis" + i] = Object.assign({}, lay.yaxis);
    }
    return lay;
  }

  function fan(el, a) {
    const traces = [], lay = axes(Math.max(1, a.targets.length), layout());
    lay.annotations = [];
    a.targets.forEach((tg, i) => {
      const s = (a.series[tg.type] || {}).capacity_p, ax = i ? String(i + 1) : "";
      if (!s) return;
      band(a.months, s, C.p50, C.band, t("band"), "b", i === 0).forEach((tr) => traces.push(Object.assign(tr, { xaxis: "x" + ax, yaxis: "y" + ax })));
      traces.push({ x: [a.months[0], tg.by], y: [tg.target_p, tg.target_p], mode: "lines", xaxis: "x" + ax, yaxis: "y" + ax,
                    line: { color: C.target, dash: "dash", width: 2 }, name: t("target"), showlegend: i === 0, hoverinfo: "skip" });
      traces.push({ x: [tg.by], y: [tg.target_p], mode: "markers", xaxis: "x" + ax, yaxis: "y" + ax, showlegend: false,
                    marker: { color: C.target, size: 10, symbol: "diamond" }, hoverinfo: "skip" });
      lay.annotations.push({ text: "<b>" + typeLabel(a, tg.type) + "</b> " + pf(tg.target_p) + "P " + t("by") + " " + tg.by,
                             xref: "x" + ax + " domain", yref: "y" + ax + " domain", x: 0, y: 1.09, showarrow: false, xanchor: "left", font: { size: 13 } });
    });
    Plotly.react(el, traces, lay, CONFIG);
  }

  function gantt(el, a) {
    const traces = [], end = a.months[a.months.length - 1], first = a.months[0];
    const rows = a.phases.slice().reverse(), shown = new Set();
    const legend = (k) => (shown.has(k) ? false : (shown.add(k), true));
    const short = (x, n) => (x.length > n ? x.slice(0, n - 1) + "…" : x);
    const label = (p) => short(pick(p, "facility_name"), LANG === "zh" ? 14 : 26) + " · " + short(pick(p, "phase_name"), 10);
    rows.forEach((p, i) => {
      const y = label(p), on = p.online_p50, st = p.start_p50;
      if (!p.fixed_online && st && on && on > st) {
        traces.push({ x: [st < first ? first : st, on], y: [y, y], mode: "lines", line: { color: C.build, width: 14 },
                      name: t("building"), legendgroup: "b", showlegend: legend("b"), hoverinfo: "skip" });
      }
      if (on && on <= end) {
        traces.push({ x: [on < first ? first : on, end], y: [y, y], mode: "lines", line: { color: C.online, width: 14 },
                      name: t("online"), legendgroup: "o", showlegend: legend("o"), hoverinfo: "skip" });
      }
      if (!p.fixed_online && p.online_p10) {
        traces.push({ x: [p.online_p10, p.online_p50, p.online_p90], y: [y, y, y], mode: "lines+markers",
                      line: { color: "#111", width: 1.5 }, marker: { size: 9, symbol: "line-ns-open", color: "#111" },
                      name: t("online") + " P10–P90", legendgroup: "u", showlegend: legend("u"),
                      hovertemplate: t("online") + " P10 " + p.online_p10 + " · P50 " + p.online_p50 + " · P90 " + p.online_p90 + "<extra>" + p.capacity + "</extra>" });
      }
    });
    const lay = layout({ hovermode: "closest", margin: { l: 250, r: 16, t: 12, b: 36 } });
    lay.yaxis = { automargin: false, tickfont: { size: 12 } };
    lay.xaxis.range = [first, end];
    Plotly.react(el, traces, lay, CONFIG);
  }

  function demand(el, a, typ) {
    const s = a.series[typ] || {}, x = a.months, traces = [];
    if (s.demand_p) band(x, s.demand_p, C.demand, "rgba(60,60,60,0.10)", t("demandw") + " P10–P90", "d", true).forEach((tr) => traces.push(tr));
    if (traces.length) traces[2].name = t("demandw");
    if (s.served_p) traces.push({ x, y: s.served_p.p50, mode: "lines", line: { color: C.served, width: 2.4 }, name: t("served"),
                                  hovertemplate: "%{y:,.1f}P<extra>" + t("served") + " P50</extra>" });
    if (s.unmet_p) traces.push({ x, y: s.unmet_p.mean, mode: "lines", fill: "tozeroy", line: { color: C.unmet, width: 1 },
                                 fillcolor: C.unmet, name: t("unmet"), hovertemplate: "%{y:,.1f}P<extra>" + t("unmet") + "</extra>" });
    if (s.capacity_p) traces.push({ x, y: s.capacity_p.p50, mode: "lines", line: { color: C.p50, width: 1.5, dash: "dot" },
                                    name: t("capacity"), hovertemplate: "%{y:,.0f}P<extra>" + t("capacity") + " P50</extra>" });
    Plotly.react(el, traces, layout(), CONFIG);
  }

  function cumulative(v) { let s = 0; return v.map((x) => (s += x || 0)); }

  function money(el, a) {
    const s = a.series.all || {}, x = a.months, traces = [];
    [["capex_mcny", "capex", "#7f8c8d"], ["energy_cost_mcny", "energy", "#d6604d"], ["revenue_mcny", "revenue", "#1b9e77"]].forEach(([k, w, color]) => {
      if (!s[k]) return;
      traces.push({ x, y: cumulative(s[k].mean), mode: "lines", line: { color, width: 2.4 }, name: t(w),
                    hovertemplate: "%{y:,.0f}<extra>" + t(w) + "</extra>" });
    });
    Plotly.react(el, traces, layout(), CONFIG);
  }

  function overlay(el, pins) {
    const types = [...new Set(pins.flatMap((p) => p.answer.targets.map((x) => x.type)))];
    const lay = axes(Math.max(1, types.length), layout()), traces = [];
    lay.annotations = [];
    types.forEach((typ, i) => {
      const ax = i ? String(i + 1) : "";
      pins.forEach((p, k) => {
        const s = (p.answer.series[typ] || {}).capacity_p;
        if (!s) return;
        const color = PINS[k % PINS.length], fill = color + "22";
        band(p.answer.months, s, color, fill, p.label, "p" + k, false).forEach((tr) => traces.push(Object.assign(tr, { xaxis: "x" + ax, yaxis: "y" + ax })));
        const last = traces[traces.length - 1];
        last.showlegend = i === 0; last.name = p.label;
        last.hovertemplate = "P50 %{y:,.0f}P · P10 %{customdata[0]:,.0f} – P90 %{customdata[1]:,.0f}<extra>" + p.label + "</extra>";
        const tg = p.answer.targets.find((x) => x.type === typ);
        if (tg && k === 0) traces.push({ x: [p.answer.months[0], tg.by], y: [tg.target_p, tg.target_p], mode: "lines", xaxis: "x" + ax, yaxis: "y" + ax,
                                        line: { color: C.target, dash: "dash", width: 2 }, showlegend: false, hoverinfo: "skip" });
      });
      lay.annotations.push({ text: "<b>" + typeLabel(pins[0].answer, typ) + "</b>", xref: "x" + ax + " domain", yref: "y" + ax + " domain",
                             x: 0, y: 1.09, showarrow: false, xanchor: "left" });
    });
    Plotly.react(el, traces, lay, CONFIG);
  }

  return { fan, gantt, demand, money, overlay, PINS, pf };
})();
