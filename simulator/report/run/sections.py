"""The built-in pages of the run report after the decision page, each a function
`(doc, res) -> None` registered in `registry.RUN_PAGES`."""

from __future__ import annotations

from simulator.report.data import Results
from simulator.report.document import Chart, Document
from simulator.report.pages import cover, draw_table, phase_rows, table_height
from simulator.report.run import build as cb
from simulator.report.run import capacity as cc
from simulator.report.run import demand as cd
from simulator.report.run import tenants as ct


def cover_pages(doc: Document, res: Results) -> None:
    doc.add(cover(res))


def capacity_pages(doc: Document, res: Results) -> None:
    """A page for each type with a target, the other types two a page."""
    t = res.t
    targeted = set(res.targets["type"]) if len(res.targets) else set()
    charts = {x: Chart(f"capacity-{x}", cc.plot_capacity, cc.capacity_data(res, x))
              for x in res.types}
    for x in res.types:
        if x in targeted:
            doc.grid(t("p_capacity"), [charts[x]], 1, 1)
    doc.grid(t("p_capacity_only"), [charts[x] for x in res.types if x not in targeted], 2, 1)


def demand_pages(doc: Document, res: Results) -> None:
    charts = [Chart(f"demand-{x}", cd.plot_demand, cd.demand_data(res, x)) for x in res.types]
    doc.grid(res.t("p_demand"), charts, 2, 2)


def utilization_pages(doc: Document, res: Results) -> None:
    heat = Chart("utilization", cd.plot_utilization, cd.utilization_data(res))
    idle = Chart("idle", cd.plot_idle, cd.idle_data(res))
    fig = doc.page(res.t("p_util"))
    gs = fig.add_gridspec(2, 1, height_ratios=[max(len(heat.data.rows), 2) * 0.45 + 0.8, 3.2])
    doc.draw(fig, fig.add_subplot(gs[0]), heat)
    doc.draw(fig, fig.add_subplot(gs[1]), idle)


def tenant_pages(doc: Document, res: Results) -> None:
    t = res.t
    if len(res.tenants):
        doc.grid(t("p_tenants"), [Chart("tenant-pipeline", ct.plot_pipeline,
                                        ct.pipeline_data(res))], 1, 1)
    tm = res.tenant_monthly
    types = [x for x in res.types if tm.loc[tm["type"] == x, "demand_p"].sum() > 0]
    colors = ct.tenant_colors(res)
    doc.grid(t("p_tenant_demand"), [Chart(f"tenant-demand-{x}", ct.plot_tenant_demand,
                                          ct.tenant_demand_data(res, x, colors))
                                    for x in types], 2, 1)


def build_pages(doc: Document, res: Results) -> None:
    """The Gantt of the build-out over the phase table."""
    t = res.t
    gantt = Chart("buildout", cb.plot_gantt, cb.gantt_data(res))
    header, rows = phase_rows(res)
    fig = doc.page(t("p_build"))
    gs = fig.add_gridspec(2, 1, height_ratios=[0.6 * len(rows) + 1.0, table_height(len(rows))])
    doc.draw(fig, fig.add_subplot(gs[0]), gantt)
    ax = fig.add_subplot(gs[1])
    ax.set_axis_off()
    fig.get_layout_engine().execute(fig)  # place the axes, so the table knows its width
    draw_table(ax, header, rows, fontsize=8.5,
               align=["left", "left", "left", "left", "left", "right", "right"])


def money_pages(doc: Document, res: Results) -> None:
    fig = doc.page(res.t("p_money"))
    gs = fig.add_gridspec(2, 2)
    doc.draw(fig, fig.add_subplot(gs[0, :]),
             Chart("power", cb.plot_series, cb.power_data(res), {"legend_at": "right"}))
    doc.draw(fig, fig.add_subplot(gs[1, 0]),
             Chart("energy-cost", cb.plot_series, cb.energy_cost_data(res)))
    doc.draw(fig, fig.add_subplot(gs[1, 1]), Chart("capex", cb.plot_capex, cb.capex_data(res)))
