"""The gallery of bad inputs (tests/gallery): every one exits 2 with its expected lines.

Each `NN-name.yaml` is run as a user runs it, `python -m simulator validate NN-name.yaml` and
`python -m simulator run NN-name.yaml -n 2 --no-report --out TMP` (plus the arguments in
`NN-name.args`, if any), in tests/gallery so the messages read `NN-name.yaml:3:5: ...`. Both must
exit 2, print exactly the lines of `NN-name.expected` on stderr and nothing on stdout, show no
traceback, write nothing, and stay within MEMORY_BYTES of address space (times: benchmarks/).
Inputs too big to commit are generated in a temporary directory (GENERATED).

Every case runs twice: in this process through the same command-line app (typer's CliRunner,
`in-process`: the fast loop, `make check`), and as the two real processes with the memory bound
(`process`: marked slow, `make test`, except the cases in PROCESS_ALWAYS, which keep the real
processes, the memory bound and the console-script entry point in the fast loop too).

tests/gallery/ok holds input that is legal but odd: it must validate and run (exit 0), printing
exactly the warnings of its `.expected`, within the same memory bound.

To add a case: write the file, run the two commands in tests/gallery, and if the message is
what a user should see, store it as the `.expected` (a poor message is a bug in the loader).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import capsim_in_process as in_process

GALLERY = Path(__file__).resolve().parents[1] / "gallery"
BAD = sorted(GALLERY.glob("*.yaml"))
ODD = sorted((GALLERY / "ok").glob("*.yaml"))
HANG_S = 120.0  # when to stop waiting: a guard against hangs, not a timing (see benchmarks/)
MEMORY_BYTES = 2 * 1024**3  # address space of one command
ENV = {**os.environ, "PYTHONUTF8": "1", "NO_COLOR": "1", "COLUMNS": "200"}
# Run as real processes in the fast loop too: binary input, an alias bomb (memory), a typer usage
# error (--set without =), a surrogate, a legal input that runs.
PROCESS_ALWAYS = {"05-binary-garbage", "08-alias-bomb", "80-set-without-equals",
                  "95-surrogate-escape", "02-no-tenants"}

def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def capsim_both(cwd: Path, file: str, out: Path, extra: list[str]) -> dict[str, tuple]:
    """`validate FILE` and `run FILE -n 2 --no-report --out OUT`, side by side.

    Returns {command: (exit code, stdout, stderr, seconds)}.
    """
    commands = {"validate": ["validate", file, *extra],
                "run": ["run", file, "-n", "2", "--no-report", "--out", str(out), *extra]}
    started, procs = {}, {}
    for name, args in commands.items():
        started[name] = time.monotonic()
        procs[name] = subprocess.Popen([sys.executable, "-m", "simulator", *args], cwd=cwd,
                                       env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       preexec_fn=_limit_memory)
    done = {}
    for name, proc in procs.items():
        try:
            out_b, err_b = proc.communicate(timeout=HANG_S)
        except subprocess.TimeoutExpired:
            for p in procs.values():
                p.kill()
                p.communicate()
            pytest.fail(f"`capsim {name} {file}` did not finish in {HANG_S:.0f} s")
        done[name] = (proc.returncode, out_b.decode("utf-8", "replace"),
                      err_b.decode("utf-8", "replace"), time.monotonic() - started[name])
    return done


def capsim_in_process(cwd: Path, file: str, out: Path, extra: list[str]) -> dict[str, tuple]:
    """The two commands of `capsim_both` in this process, through the app `capsim` runs (no
    memory bound: that is checked by the real processes)."""
    commands = {"validate": ["validate", file, *extra],
                "run": ["run", file, "-n", "2", "--no-report", "--out", str(out), *extra]}
    done = {}
    for name, args in commands.items():
        started = time.monotonic()
        res = in_process(*args, cwd=cwd)
        done[name] = (res.returncode, res.stdout, res.stderr, time.monotonic() - started)
    return done


RUNNERS = {"in-process": capsim_in_process, "process": capsim_both}


def gallery_params(cases: list[Path]) -> list:
    """(case, runner) pairs: in-process for every case, real processes slow but for a few."""
    params = []
    for case in cases:
        params.append(pytest.param(case, "in-process", id=f"{case.stem}-in-process"))
        marks = () if case.stem in PROCESS_ALWAYS else (pytest.mark.slow,)
        params.append(pytest.param(case, "process", id=f"{case.stem}-process", marks=marks))
    return params


def expected_lines(case: Path) -> list[str]:
    return case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()


def extra_args(case: Path) -> list[str]:
    args = case.with_suffix(".args")
    return args.read_text(encoding="utf-8").split() if args.exists() else []


def assert_rejected(cwd: Path, file: str, expected: list[str], tmp_path: Path,
                    extra: list[str] = (), runner: str = "process") -> None:
    out = tmp_path / "out"
    results = RUNNERS[runner](cwd, file, out, list(extra))
    for name, (code, stdout, stderr, _) in results.items():
        assert "Traceback" not in stderr + stdout, f"{name}: {stderr}"
        assert (name, code, stdout, stderr.splitlines()) == (name, 2, "", expected)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name != cwd.name] == []  # no staging left


# ---------------------------------------------------------------- the committed gallery
def test_the_gallery_is_complete():
    """Forty-odd cases, each with its expected lines, and nothing stray beside them."""
    assert len(BAD) >= 40
    for case in BAD + ODD:
        assert case.with_suffix(".expected").is_file(), f"{case.name} has no .expected"
    names = {p.stem for p in BAD + ODD}
    stray = [p.name for p in [*GALLERY.iterdir(), *(GALLERY / "ok").iterdir()]
             if p.is_file() and p.stem not in names and not p.name.startswith(".")]
    assert stray == []


@pytest.mark.parametrize("case, runner", gallery_params(BAD))
def test_bad_input_exits_2_with_its_lines(case, runner, tmp_path):
    assert_rejected(GALLERY, case.name, expected_lines(case), tmp_path, extra_args(case), runner)
    assert not (GALLERY / "reports").exists()


# ---------------------------------------------------------------- generated: too big to commit
def _huge(path: Path) -> None:
    """A 50 MB file (of YAML, as a wrong file might be)."""
    with path.open("w", encoding="utf-8") as f:
        f.write("name: huge\n")
        for i in range(500_000):
            f.write(f"k{i:07d}: {'x' * 89}\n")  # 100 bytes


def _many_values(path: Path) -> None:
    """Just under the size limit, but far more values than a scenario holds."""
    path.write_text("name: many\n" + "".join(f"k{i}: [a, b]\n" for i in range(120_000)),
                    encoding="utf-8")


def _long_name(path: Path) -> None:
    """A name of a million characters (it used to pass and then take the report 400 s)."""
    base = (GALLERY / "21-text-for-number.yaml").read_text(encoding="utf-8")
    path.write_text(base.replace("pue: high", "pue: 1.3").replace(
        "name: Gallery base", "name: " + "n" * 1_000_000), encoding="utf-8")


GENERATED = {
    "long-name.yaml": (_long_name, ["long-name.yaml:2:7: name: text of 1,000,000 characters; at "
                                    "most 200"]),
    "huge-50mb.yaml": (_huge, ["huge-50mb.yaml: the file is 50.0 MB; a scenario is a few kB "
                               "(limit 2 MB) (is it the right file?)"]),
    "deep-nesting.yaml": (lambda p: p.write_text("name: " + "[" * 10_000 + "]" * 10_000 + "\n"),
                          ["deep-nesting.yaml:1:46: nesting deeper than 40 levels"]),
    "deep-block-nesting.yaml": (lambda p: p.write_text("".join(f"{' ' * i}a:\n"
                                                               for i in range(1000))),
                                ["deep-block-nesting.yaml:40:40: nesting deeper than 40 levels"]),
    "many-values.yaml": (_many_values, ["many-values.yaml: the file holds more than 100,000 "
                                        "values, the most a scenario may hold (is it the right "
                                        "file?)"]),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", GENERATED)
def test_generated_bad_input_exits_2_with_its_lines(name, tmp_path):
    make, expected = GENERATED[name]
    cwd = tmp_path / "case"
    cwd.mkdir()
    make(cwd / name)
    assert_rejected(cwd, name, expected, tmp_path)
    assert sorted(p.name for p in cwd.iterdir()) == [name]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_an_endless_file_is_not_read_to_its_end(tmp_path):
    cwd = tmp_path / "case"
    cwd.mkdir()
    assert_rejected(cwd, "/dev/zero", ["/dev/zero: is a device, not a scenario file"], tmp_path)


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_a_scenario_path_that_is_not_a_file_says_what_it_is(tmp_path, kind):
    """A FIFO would block the reader for ever; it is looked at, never opened."""
    cwd = tmp_path / "case"
    cwd.mkdir()
    if kind == "fifo":
        os.mkfifo(cwd / "s.yaml")
    else:
        (cwd / "s.yaml").mkdir()
    what = "a named pipe (FIFO)" if kind == "fifo" else "a directory"
    assert_rejected(cwd, "s.yaml", [f"s.yaml: is {what}, not a scenario file"], tmp_path)


@pytest.mark.parametrize("target, message", [
    ("sub", "'sub' is a directory, not a scenario file (extends names a .yaml file)"),
    ("pipe.yaml", "'pipe.yaml' is a named pipe (FIFO), not a scenario file (extends names a "
                  ".yaml file)"),
    ("/dev/zero", "'/dev/zero' is a device, not a scenario file (extends names a .yaml file)"),
    ("/etc/passwd", "'/etc/passwd' is not a .yaml or .yml file (extends names a scenario file, "
                    "*.yaml)"),
])
def test_extends_reads_only_scenario_files_and_says_what_else_is_there(tmp_path, target,
                                                                       message):
    cwd = tmp_path / "case"
    cwd.mkdir()
    (cwd / "sub").mkdir()
    os.mkfifo(cwd / "pipe.yaml")
    (cwd / "w.yaml").write_text(f"extends: {target}\nname: w\n", encoding="utf-8")
    assert_rejected(cwd, "w.yaml", [f"w.yaml:1:10: extends: {message}"], tmp_path)


# ---------------------------------------------------------------- legal but odd: it runs
@pytest.mark.parametrize("case, runner", gallery_params(ODD))
def test_odd_but_legal_input_runs(case, runner, tmp_path):
    out = tmp_path / "out"
    results = RUNNERS[runner](case.parent, case.name, out, [])
    expected = expected_lines(case)
    for name, (code, stdout, stderr, _) in results.items():
        assert "Traceback" not in stderr + stdout, f"{name}: {stderr}"
        assert (name, code, stderr.splitlines()) == (name, 0, expected)
    assert results["validate"][1].startswith(f"{case.name}: ok: ")
    assert {"summary.json", "monthly.csv"} <= {p.name for p in out.iterdir()}
    assert not (out / "report.pdf").exists()
