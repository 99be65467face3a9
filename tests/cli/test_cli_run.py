"""`capsim run`: the run directory, exit codes, reproducibility, interruption, bad targets.

`capsim` starts a real process (the console entry, signals); `in_process` runs the same CLI app
in this process, for the tests about what a command writes and prints (cheaper to start)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import EXAMPLE_YAML
from tests.helpers import capsim_in_process as in_process

SUMMARY_TARGET_KEYS = {"type", "target_p", "by", "capacity_p10", "capacity_p50", "capacity_p90",
                       "gap_p50", "probability_met", "month_met_p50"}


def capsim(*args, cwd=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "simulator", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def scenario(tmp_path) -> Path:
    path = tmp_path / "baseline.yaml"
    path.write_text(EXAMPLE_YAML, encoding="utf-8")
    return path


def test_run_writes_the_run_directory_and_prints_the_targets(scenario, tmp_path):
    out = tmp_path / "run"
    res = capsim("run", scenario, "-n", 30, "--out", out, "--no-report")
    assert res.returncode == 0, res.stderr
    assert "1,000P 超算" in res.stdout and "2025-12" in res.stdout  # types by their labels
    for name in ("summary.json", "monthly.csv", "kpis.csv", "targets.csv", "phases.csv",
                 "tenants.csv", "scenario.resolved.yaml", "results.xlsx"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["replications"] == 30 and summary["seed"] == 20231114
    assert summary["scenario"] == "Dianjun compute baseline (Nov 2023)"
    assert len(summary["scenario_hash"]) == 64 and summary["version"]
    assert [t["type"] for t in summary["targets"]] == ["hpc", "ai"]
    assert SUMMARY_TARGET_KEYS <= set(summary["targets"][0])
    header = (out / "monthly.csv").read_text().splitlines()[0]
    assert header == "month,type,facility,metric,mean,p10,p50,p90"
    # the resolved scenario is itself a valid scenario with the same hash
    import simulator as sim
    from simulator.ensemble.run import scenario_hash
    assert scenario_hash(sim.load_scenario(out / "scenario.resolved.yaml")) == \
        summary["scenario_hash"]


def test_the_same_command_twice_gives_byte_identical_csv_and_json(scenario, tmp_path):
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        # two processes (each its own hash seed): output must not hang on set order
        assert capsim("run", scenario, "-n", 25, "--seed", 4, "--out", out,
                      "--no-report").returncode == 0
    for name in ("summary.json", "monthly.csv", "kpis.csv", "targets.csv", "phases.csv",
                 "tenants.csv", "tenant_monthly.csv", "scenario.resolved.yaml"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_workers_give_the_numbers_of_one_process(scenario, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert in_process("run", scenario, "-n", 40, "--out", a, "--no-report").returncode == 0
    assert in_process("run", scenario, "-n", 40, "--workers", 2, "--out", b,
                      "--no-report").returncode == 0
    assert (a / "monthly.csv").read_bytes() == (b / "monthly.csv").read_bytes()


def test_bad_input_exits_2_with_one_line_and_writes_nothing(scenario, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE_YAML.replace("build_months:", "buld_months:"), encoding="utf-8")
    out = tmp_path / "run"
    res = in_process("run", bad, "-n", 5, "--out", out)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    assert "unknown key 'buld_months' (did you mean 'build_months'?)" in res.stderr
    assert not out.exists()


def test_an_unknown_set_path_is_bad_input(scenario, tmp_path):
    res = in_process("run", scenario, "-n", 5, "--out", tmp_path / "x",
                     "--set", "tenants.ctrp.probability=1")
    assert res.returncode == 2
    assert "no item 'ctrp' in tenants (did you mean 'ctrip'?)" in res.stderr


def test_interrupt_leaves_no_partial_directory_and_keeps_previous_results(scenario, tmp_path):
    out = tmp_path / "run"
    assert in_process("run", scenario, "-n", 5, "--out", out, "--no-report").returncode == 0
    before = (out / "summary.json").read_bytes()
    # Ctrl-C reaches the child even when the tests run in a background shell (which starts
    # its commands with SIGINT ignored, and Python keeps an ignored SIGINT ignored)
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "run", str(scenario), "-n",
                             "300000", "--out", str(out), "--no-report"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        time.sleep(3)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130
    assert "interrupted; nothing was written" in err and "Traceback" not in err
    assert (out / "summary.json").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["baseline.yaml", "run"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to a read-only directory")
def test_a_read_only_target_is_a_clear_error(scenario, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        res = in_process("run", scenario, "-n", 5, "--out", ro / "run", "--no-report")
    finally:
        ro.chmod(0o700)
    assert res.returncode == 2
    assert "cannot write the output" in res.stderr and "Traceback" not in res.stderr


def test_an_output_path_under_a_file_is_a_clear_error(scenario, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    res = in_process("run", scenario, "-n", 5, "--out", blocker / "run", "--no-report")
    assert res.returncode == 2
    assert "cannot write the output" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.slow  # waits for the connect timeout; the executor's own test (tests/ensemble) is fast
def test_unreachable_scheduler_fails_fast_with_exit_1(scenario, tmp_path):
    pytest.importorskip("distributed")
    t = time.monotonic()
    res = capsim("run", scenario, "-n", 5, "--out", tmp_path / "x", "--scheduler",
                 "tcp://127.0.0.1:9", "--no-report", timeout=60)
    assert res.returncode == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in res.stderr
    assert time.monotonic() - t < 30
    assert not (tmp_path / "x").exists()


def test_a_full_disk_is_a_clear_error_and_keeps_the_previous_results(scenario, tmp_path,
                                                                      monkeypatch):
    import errno

    import simulator as sim
    from simulator.output import run_dir as output

    out = tmp_path / "run"
    ens = sim.run_ensemble(sim.load_scenario(scenario), 5, seed=1)
    sim.write_run(ens, out)
    before = (out / "summary.json").read_bytes()

    def full(df, path):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output, "write_csv", full)
    with pytest.raises(sim.ScenarioError) as err:
        sim.write_run(ens, out)
    assert err.value.lines() == [f"{out}: cannot write the output: No space left on device "
                                 f"(check free space and permissions)"]
    assert (out / "summary.json").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["baseline.yaml", "run"]
