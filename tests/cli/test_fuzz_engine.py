"""Random valid scenarios through `capsim run`: exit 0, and the written numbers conserve demand.

The scenarios come from the benchmark's generator (benchmarks/synthetic.py) at random sizes and
seeds, with random changes to the platform, the events, the phases and the tenants; each is
written as YAML and run as a user runs it, in this process. In monthly.csv, for every type and
the total of all facilities, the mean over replications must satisfy served + unmet = demand
and served <= capacity x max_utilization, to 1e-6 relative beyond the rounding of the CSV
(which holds 6 significant digits, so each value is exact to half a unit in its 6th digit).
"""

from __future__ import annotations

import pytest

import sys
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from typer.testing import CliRunner

from simulator.cli.app import app
from simulator.units import parse_rate

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from synthetic import synthetic_scenario  # noqa: E402

REL = 1e-6


@st.composite
def scenarios(draw) -> dict:
    """A valid scenario mapping: synthetic, then tweaked."""
    d = synthetic_scenario(facilities=draw(st.integers(1, 8)), tenants=draw(st.integers(0, 60)),
                           months=draw(st.integers(1, 120)), seed=draw(st.integers(0, 2**32 - 1)))
    sched = d["scheduling"]
    sched["policy"] = draw(st.sampled_from(["priority", "proportional"]))
    sched["max_utilization"] = draw(st.sampled_from([1.0, 0.95, 0.8, 0.5, "70%", 0.01]))
    leave = draw(st.sampled_from([None, 1, 3, 12]))
    if leave is None:
        del sched["leave_after_unserved_months"]
    else:
        sched["leave_after_unserved_months"] = leave
    for event in d["events"]:
        event["probability"] = draw(st.sampled_from([0, 0.5, 1]))
    if draw(st.booleans()):
        d["events"] = []
    for f in d["facilities"]:
        p2 = f["phases"][1]
        build = draw(st.sampled_from(["keep", "fixed", "zero"]))
        if build != "keep":
            p2["build_months"] = 0 if build == "zero" else draw(st.integers(1, 30))
        if draw(st.integers(0, 3)) == 0:
            p2["start_when"] = {"utilization_above": draw(st.sampled_from([0.3, 0.8, 1.0])),
                                "for_months": draw(st.integers(1, 4))}
        if draw(st.integers(0, 3)) == 0:
            p2["lifetime_months"] = draw(st.integers(1, 24))
    for t in d["tenants"]:
        if draw(st.integers(0, 4)) == 0:
            t["count"] = draw(st.integers(1, 20))
        if draw(st.integers(0, 4)) == 0:
            t["growth"] = draw(st.sampled_from(["-50%", "0%", "200%"]))
        if draw(st.integers(0, 4)) == 0 and "from" in t:
            first = t["from"]
            t["until"] = draw(st.sampled_from([first, d["end"]]))
        if draw(st.integers(0, 5)) == 0:
            t["demand"] = {typ: "0P" for typ in t["demand"]}
    return d


def half_unit(x: pd.Series) -> pd.Series:
    """Half a unit in the 9th significant digit of each value: what writing it with %.9g lost."""
    a = x.abs().to_numpy(dtype=float)
    exp = np.floor(np.log10(np.where(a > 0, a, 1.0)))
    return pd.Series(np.where(a > 0, 0.5 * 10.0 ** (exp - 8), 0.0), index=x.index)


def check_conservation(monthly: pd.DataFrame, max_utilization: float) -> None:
    """Per month and type, over all facilities (mean over replications)."""
    total = monthly[monthly["facility"] == "all"]
    wide = total.pivot_table(index=["month", "type"], columns="metric", values="mean",
                             aggfunc="first")
    served, unmet, demand = wide["served_p"], wide["unmet_p"], wide["demand_p"]
    capacity = wide["capacity_p"]
    rounding = half_unit(served) + half_unit(unmet) + half_unit(demand)
    scale = served.abs() + unmet.abs() + demand.abs()
    bad = wide[(served + unmet - demand).abs() > rounding + REL * scale + 1e-12]
    assert bad.empty, f"served + unmet != demand:\n{bad[['served_p', 'unmet_p', 'demand_p']]}"
    usable = (capacity + half_unit(capacity)) * max_utilization
    over = wide[served - half_unit(served) > usable * (1 + REL) + 1e-12]
    assert over.empty, f"served > capacity x {max_utilization}:\n{over[['served_p', 'capacity_p']]}"


@pytest.mark.slow
# Shrinking re-runs the CLI hundreds of times (minutes); a failure prints the scenario's YAML.
@settings(max_examples=30, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=scenarios())
def test_random_valid_scenarios_run_and_conserve_demand(data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    file = folder / "fuzz.yaml"
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    with file.open("w", encoding="utf-8") as f:
        yaml.dump(data, f)
    out = folder / "run"
    # results.xlsx takes most of the time of a run (openpyxl) and holds the same tables as the
    # CSV files: skipped here, to afford more scenarios.
    with mock.patch("simulator.output.run_dir.write_xlsx", lambda tables, path: None):
        result = CliRunner().invoke(app, ["run", str(file), "-n", "3", "--no-report",
                                          "--quiet", "--out", str(out)])
    text = file.read_text(encoding="utf-8")
    assert result.exit_code == 0, (result.output, result.exception, text)
    monthly = pd.read_csv(out / "monthly.csv", keep_default_na=False, na_values=[""])
    assert not monthly.empty
    try:
        check_conservation(monthly, parse_rate(data["scheduling"]["max_utilization"]))
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nscenario:\n{text}") from None
