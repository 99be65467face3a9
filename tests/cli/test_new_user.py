"""A new user's first minutes: clone the repository, `make demo`, and find the report.

This clones what is committed (HEAD of the checkout these tests live in), so it tests what a
new user gets, not the working tree. `make demo` creates .venv, installs capsim with pip (from
whatever index pip is configured to use), validates the shipped scenarios, runs the baseline
and writes reports/dianjun-baseline/. It takes minutes, most of them installing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 15 * 60


def _clean_env() -> dict[str, str]:
    """The environment of a user at a fresh shell: no active venv, no outer make's settings.

    Run inside `make test EXTRAS=test,dask` (as .ci/run does), make exports EXTRAS=... in
    MAKEFLAGS, and the inner `make demo` would inherit it.
    """
    drop = {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "MAKEFLAGS", "MFLAGS", "MAKELEVEL",
            "MAKEOVERRIDES", "EXTRAS", "PYTHON", "VENV"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    venv = os.environ.get("VIRTUAL_ENV")
    if venv:  # the venv that runs these tests is not the user's
        env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                      if not p.startswith(venv))
    return env


@pytest.mark.slow
def test_clone_and_make_demo_writes_the_report(tmp_path):
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to clone")
    for tool in ("git", "make"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    clone = tmp_path / "capsim"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True,
                   capture_output=True, timeout=120)
    try:
        done = subprocess.run(["make", "demo"], cwd=clone, env=_clean_env(),
                              capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"`make demo` did not finish in {TIMEOUT_S // 60} min:\n"
                    f"{(exc.stdout or b'')[-3000:]!r}\n{(exc.stderr or b'')[-3000:]!r}")
    assert done.returncode == 0, (f"`make demo` failed:\n{done.stdout[-3000:]}\n"
                                  f"{done.stderr[-5000:]}")
    run_dir = clone / "reports" / "dianjun-baseline"
    assert (run_dir / "summary.json").is_file()
    pdf = run_dir / "report.pdf"
    assert pdf.is_file()
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert "Traceback" not in done.stderr
    # What the README promises beside the report.
    assert (run_dir / "monthly.csv").is_file()
    assert (clone / ".venv" / "bin" / "capsim").is_file()
