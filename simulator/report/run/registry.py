"""The pages of the run report, in order: adding a page is one line here.

Each entry is "module:function" inside `simulator.report.run`; the function takes the
`Document` and the run's `Results` and adds zero or more pages:

    def counting_pages(doc: Document, res: Results) -> None:
        fig = doc.page(res.t("p_counting"))
        doc.draw(fig, fig.add_subplot(), Chart("counting", plot_counting, counting_data(res)))

To add it, write `simulator/report/run/counting.py` and add `"counting:counting_pages",` below
where the page belongs. A page with nothing to show adds nothing (or one line saying so).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

RUN_PAGES: tuple[str, ...] = (
    "decision:decision_pages",  # what to decide: per target P(met), demand, capacity, the fix
    "sections:cover_pages",  # title, what was run, the target table and key figures
    "sections:capacity_pages",  # capacity against targets, a page per targeted type
    "sections:demand_pages",  # demand, served and unmet per type
    "sections:utilization_pages",  # utilisation heat map and idle capacity
    "sections:tenant_pages",  # the tenant pipeline and each tenant's demand
    "sections:build_pages",  # the build-out Gantt and the phase table
    "sections:money_pages",  # power, energy cost, capex
    "pipeline:pipeline_pages",  # projects not yet announced (only with a pipeline)
    "money:money_pages",  # money per operator and the platform (only with market or money)
    "counting:counting_pages",  # what a P is: precisions and counting rules (only if counted)
    "assumptions:assumption_pages",  # the scenario's inputs
)


def page_functions(entries: tuple[str, ...] = RUN_PAGES) -> list[Callable]:
    """The page functions of `entries`, imported."""
    out = []
    for entry in entries:
        module, _, name = entry.partition(":")
        out.append(getattr(importlib.import_module(f"simulator.report.run.{module}"), name))
    return out
