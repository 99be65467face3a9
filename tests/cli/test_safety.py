"""Never lose a user's files: the reproductions of issue 11, each asserting the exit code, the
message, and that nothing outside the output path changed (the tree hashed before and after).

Most commands run in this process through the CLI app (`in_process`, cheap to start); those whose
folder marker records the command line, and those about the terminal or signals, run as real
processes (`capsim`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import EXAMPLE_YAML, tree_state
from tests.helpers import capsim_in_process as in_process

HINT = "(give --out another path, or delete it yourself if it is no longer needed)"


def capsim(*args, cwd=None, timeout=120, env=None):
    return subprocess.run([sys.executable, "-m", "simulator", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "COLUMNS": "200", **(env or {})})


@pytest.fixture
def proj(tmp_path) -> Path:
    """A planner's folder: scenarios/, notes.txt, and reports/ with an earlier run of theirs."""
    root = tmp_path / "proj"
    (root / "scenarios").mkdir(parents=True)
    text = EXAMPLE_YAML.replace("seed: 20231114", "seed: 20231114\nreplications: 2", 1)
    (root / "scenarios" / "base.yaml").write_text(text, encoding="utf-8")
    (root / "notes.txt").write_text("meeting notes\n", encoding="utf-8")
    (root / "reports" / "q3-board").mkdir(parents=True)
    (root / "reports" / "q3-board" / "slides.pptx").write_bytes(b"slides")
    os.mkfifo(root / "pipe")
    return root


def run_refused(proj: Path, out: str, cwd: Path | None = None) -> str:
    """`capsim run` with `--out out`: exit 2, one line, and nothing changed anywhere."""
    watch = proj.parent
    before = tree_state(watch)
    res = in_process("run", proj / "scenarios" / "base.yaml", "-n", 2, "--no-report", "--out",
                     out, cwd=cwd or proj)
    assert res.returncode == 2, res.stderr
    assert res.stdout == "" and "Traceback" not in res.stderr
    assert len(res.stderr.splitlines()) == 1, res.stderr
    assert tree_state(watch) == before
    return res.stderr.strip()


@pytest.mark.parametrize("out, message", [
    ("notes.txt", "notes.txt: is a file, not a folder capsim wrote; capsim does not replace it"),
    ("scenarios", "scenarios: holds {scenario}, which this command reads; capsim does not "
                  "replace it"),
    (".", ".: is the working directory; capsim writes only into a folder of its own"),
    ("..", "..: is a parent of the working directory; capsim writes only into a folder of its "
           "own"),
    ("reports", "reports: is a folder capsim did not write (no .capsim-run marker; it holds 1 "
                "entry); capsim replaces only its own output folders"),
    ("pipe", "pipe: is a named pipe (FIFO), not a folder capsim wrote; capsim does not "
             "replace it"),
    ("/", "/: is the root of the file system; capsim writes only into a folder of its own"),
])
def test_out_never_replaces_what_capsim_did_not_write(proj, out, message):
    scenario = proj / "scenarios" / "base.yaml"
    assert run_refused(proj, out) == f"{message.format(scenario=scenario)} {HINT}"


def test_out_dev_null_is_refused_without_touching_it():
    """The device itself is only looked at (checked in-process: a bug must not reach it)."""
    from simulator.errors import ScenarioError
    from simulator.output.guard import check_out

    before = os.lstat("/dev/null")
    with pytest.raises(ScenarioError) as err:
        check_out("/dev/null", "run")
    assert err.value.lines() == [f"/dev/null: is a device, not a folder capsim wrote; capsim "
                                 f"does not replace it {HINT}"]
    assert os.lstat("/dev/null").st_mode == before.st_mode


def test_the_default_output_path_is_checked_the_same_way(proj):
    (proj / "reports" / "base").mkdir()
    (proj / "reports" / "base" / "mine.xlsx").write_bytes(b"x")
    before = tree_state(proj)
    res = in_process("run", "scenarios/base.yaml", "--no-report", cwd=proj)
    assert res.returncode == 2
    assert res.stderr.strip() == (f"reports/base: is a folder capsim did not write (no "
                                  f".capsim-run marker; it holds 1 entry); capsim replaces only "
                                  f"its own output folders {HINT}")
    assert tree_state(proj) == before


def test_a_run_folder_is_replaced_and_leftovers_of_an_interrupted_run_cleaned(proj):
    out = proj / "reports" / "run"
    assert capsim("run", "scenarios/base.yaml", "-n", 2, "--no-report", "--out", out,
                  cwd=proj).returncode == 0
    marker = json.loads((out / ".capsim-run").read_text(encoding="utf-8"))
    assert marker["kind"] == "run" and marker["replications"] == 2
    assert marker["command"].startswith("capsim run scenarios/base.yaml -n 2")
    for leftover in (".run.tmp-999999999-abc", ".run.old-999999999-abc", ".run.tmp-xyz"):
        (proj / "reports" / leftover / "previous").mkdir(parents=True)
    others = tree_state(proj / "reports" / "q3-board")
    res = capsim("run", "scenarios/base.yaml", "-n", 3, "--no-report", "--out", out, cwd=proj)
    assert res.returncode == 0, res.stderr
    assert json.loads((out / "summary.json").read_text())["replications"] == 3
    assert sorted(os.listdir(proj / "reports")) == ["q3-board", "run"]
    assert tree_state(proj / "reports" / "q3-board") == others


def test_another_kind_of_output_is_not_replaced(proj):
    out = proj / "reports" / "sens"
    out.mkdir()
    (out / ".capsim-run").write_text('{"kind": "sensitivity"}', encoding="utf-8")
    (out / "sensitivity.csv").write_text("x\n", encoding="utf-8")
    assert run_refused(proj, "reports/sens") == (
        f"reports/sens: holds capsim's sensitivity output, not a run; capsim replaces a folder "
        f"only with output of the same kind {HINT}")


def test_a_run_with_overrides_writes_its_own_folder_and_says_what_it_changed(proj):
    plain = in_process("run", "scenarios/base.yaml", "-n", 2, "--seed", 20231114, "--no-report",
                       cwd=proj)  # the scenario's own -n and seed: the plain run
    assert plain.returncode == 0, plain.stderr
    assert "wrote reports/base/" in plain.stdout
    before = tree_state(proj / "reports" / "base")
    res = in_process("run", "scenarios/base.yaml", "-n", 2, "--no-report", "--set",
                     "end=2028-12", "--seed", 5, cwd=proj)
    assert res.returncode == 0, res.stderr
    assert tree_state(proj / "reports" / "base") == before
    line = [x for x in res.stdout.splitlines() if x.startswith("overrides:")]
    assert line == ["overrides: end=2028-12; 2 replications; seed 5 (scenario: 20231114)"]
    written = res.stdout.splitlines()[-1].removeprefix("wrote ").rstrip("/")
    assert written.startswith("reports/base--") and len(written) == len("reports/base--") + 8
    summary = json.loads((proj / written / "summary.json").read_text(encoding="utf-8"))
    assert (summary["overrides"], summary["replications"], summary["seed"]) == (
        {"end": "2028-12"}, 2, 5)
    again = in_process("run", "scenarios/base.yaml", "-n", 2, "--no-report", "--seed", 5,
                       "--set", "end=2028-12", cwd=proj)
    assert again.stdout.splitlines()[-1] == f"wrote {written}/"  # same changes, same folder


@pytest.mark.parametrize("umask, mode", [(0o022, 0o755), (0o077, 0o700), (0o002, 0o775)])
def test_the_run_directory_respects_the_umask(tmp_path, umask, mode):
    import simulator as sim
    from simulator.output.run_dir import staged_directory

    old = os.umask(umask)
    try:
        with staged_directory(tmp_path / "out", "run") as tmp:
            (tmp / "a.csv").write_text("x\n")
    finally:
        os.umask(old)
    assert (tmp_path / "out").stat().st_mode & 0o777 == mode
    assert (tmp_path / "out" / "a.csv").stat().st_mode & 0o777 == mode & 0o666
    assert sim  # the package imports with the umask set


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGKILL, -9)])
def test_workers_die_with_a_killed_run_and_the_previous_results_stay(proj, sig, code):
    out = proj / "reports" / "run"
    assert capsim("run", "scenarios/base.yaml", "-n", 2, "--no-report", "--out", out,
                  cwd=proj).returncode == 0
    before = tree_state(proj)
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "run", "scenarios/base.yaml",
                             "-n", "50000", "--workers", "2", "--no-report", "-q", "--out",
                             str(out)], cwd=proj, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    kids = []
    try:
        deadline = time.monotonic() + 60
        while len(kids) < 2 and time.monotonic() < deadline:  # a guard, not a timing
            time.sleep(0.2)
            kids = _children(proc.pid)
        assert len(kids) >= 2, "the workers never started"
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == code
        if sig == signal.SIGTERM:
            assert err.strip() == "interrupted; nothing was written"
        deadline = time.monotonic() + 10
        while any(_alive(k) for k in kids) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [k for k in kids if _alive(k)] == []
        if sig == signal.SIGTERM:
            assert tree_state(proj) == before
    finally:
        proc.kill()
        proc.communicate()
        for k in kids:
            if _alive(k):
                os.kill(k, signal.SIGKILL)


@pytest.mark.parametrize("env", [{"LC_ALL": "C", "PYTHONUTF8": "0"},
                                 {"PYTHONIOENCODING": "cp1252"}], ids=["C-locale", "cp1252"])
def test_a_terminal_that_is_not_utf8_degrades_the_output_not_the_run(proj, env):
    out = proj / "reports" / "run"
    res = subprocess.run([sys.executable, "-m", "simulator", "run", "scenarios/base.yaml",
                          "--no-report", "--out", str(out)], cwd=proj, capture_output=True,
                         env={k: v for k, v in {**os.environ, **env}.items()
                              if k != "PYTHONUTF8" or "PYTHONUTF8" in env})
    assert res.returncode == 0, res.stderr
    assert b"internal error" not in res.stderr and (out / "summary.json").is_file()
    assert res.stdout.decode("ascii", "replace").splitlines()[-1] == f"wrote {out}/"


@pytest.mark.parametrize("address", ["notanaddress", "tcp://", "tcp://host:port",
                                     "tcp://host:99999"])
def test_a_scheduler_that_is_not_an_address_is_refused_at_once(proj, address):
    pytest.importorskip("distributed")
    before = tree_state(proj)
    res = in_process("run", "scenarios/base.yaml", "--no-report", "--scheduler", address,
                     cwd=proj)
    assert (res.returncode, res.stdout, res.stderr.splitlines()) == (2, "", [
        f"error: --scheduler {address!r} is not a scheduler address (write tcp://HOST:PORT, "
        f"e.g. tcp://10.0.0.5:8786)"])
    assert tree_state(proj) == before


@pytest.mark.parametrize("args, start", [
    (["-n", str(10**12)], "error: -n 1,000,000,000,000 replications is beyond the limit of "
                          "10,000,000"),
    (["--workers", "100000"], "error: --workers 100,000 is more than this machine can use"),
])
def test_work_beyond_the_limits_is_refused_up_front(proj, args, start):
    before = tree_state(proj)
    res = in_process("run", "scenarios/base.yaml", "--no-report", *args, cwd=proj)
    assert res.returncode == 2 and res.stdout == ""
    assert len(res.stderr.splitlines()) == 1 and res.stderr.startswith(start), res.stderr
    assert tree_state(proj) == before


def test_report_writes_only_into_a_folder_capsim_wrote(proj):
    before = tree_state(proj)
    res = in_process("report", "reports/q3-board", cwd=proj)
    assert (res.returncode, res.stdout, res.stderr.splitlines()) == (2, "", [
        "reports/q3-board: is a folder capsim did not write (no .capsim-run marker; it holds 1 "
        "entry); capsim replaces only its own output folders (give a folder that `capsim run` "
        "wrote)"])
    assert tree_state(proj) == before
