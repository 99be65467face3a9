"""Scenarios changed field by field, and ensembles of them on common random numbers."""

from __future__ import annotations

from typing import Callable

from simulator.scenario.validate import scenario_from_dict
from simulator.ensemble.run import Ensemble, run_ensemble
from simulator.scenario.layers import apply_overrides, positioned
from simulator.scenario.schema import Scenario


def scenario_dict(s: Scenario) -> dict:
    """A scenario as the plain mapping its YAML would hold (units written out)."""
    return s.model_dump(mode="json", by_alias=True, exclude_none=True)


def with_changes(s: Scenario, changes: dict[str, object]) -> Scenario:
    """The scenario with each `path: value` set as `--set` does (list items named by id),
    validated."""
    data = positioned(scenario_dict(s), (s.name, None, None))
    return scenario_from_dict(apply_overrides(data, changes))


def run_variants(scenarios: list[Scenario], replications: int, seed: int, executor=None,
                 workers: int = 1, progress: Callable[[int, int], None] | None = None
                 ) -> list[Ensemble]:
    """One ensemble per scenario, all on the same seed: common random numbers, so differences
    come from the changes and not from noise. `progress(done, total)` counts replications."""
    total = replications * len(scenarios)
    out = []
    for i, s in enumerate(scenarios):
        step = None if progress is None else \
            (lambda done, n, i=i: progress(i * replications + done, total))
        out.append(run_ensemble(s, replications, seed, executor, workers=workers, progress=step))
    return out
