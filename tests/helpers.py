"""Shared test helpers: the example scenario of docs/design.md as inline YAML, small engine scenarios."""

from __future__ import annotations

from pathlib import Path


# The contract of docs/design.md ("Scenario format"), verbatim: it must load unchanged.
# Line numbers matter to the tests that assert `file:line:column` (name is line 1).
EXAMPLE_YAML = """\
name: Dianjun compute baseline (Nov 2023)
start: 2023-01                 # first simulated month
end: 2027-12                   # last simulated month, inclusive
seed: 20231114                 # default seed; --seed overrides

compute_types:                 # separate pools: capacity of one type never serves another
  hpc:        {label: 超算, precision: FP64}
  ai:         {label: 智算, precision: FP16}
  general:    {label: 通算, precision: FP32}
  throughput: {label: 高通量, precision: FP32}

targets:
  - {type: hpc, capacity: 1000P, by: 2025-12}
  - {type: ai,  capacity: 3000P, by: 2025-12}

defaults:                      # economics, overridable per facility
  pue: 1.3
  power_kw_per_p: {ai: 3.0, hpc: 25, general: 10, throughput: 10}
  electricity_price: 0.5       # CNY per kWh

facilities:
  - id: baidu-ai
    name: 百度智能云（宜昌）
    phases:
      - {capacity: {ai: 50P}, online: 2023-06}          # already operating
  - id: nacic
    name: 国家先进计算产业创新中心
    pue: 1.25
    phases:
      - {id: p1, capacity: {general: 100P, hpc: 25P}, online: 2023-10}
      - id: p2
        capacity: {hpc: 375P}
        start: 2024-03                                   # construction starts
        build_months: {min: 10, mode: 14, max: 24}       # uncertain duration
        after: p1                                        # not before p1 is online

tenants:
  - id: sugon
    name: 中科曙光
    status: signed
    demand: {hpc: 20P, general: 10P}
    from: 2023-11
    ramp_months: 6
    growth: 15%
  - id: ctrip
    name: 携程
    status: negotiating
    probability: 0.5                                    # chance the deal is signed
    sign: {earliest: 2024-01, latest: 2024-12}
    demand: {ai: 40P}
  - id: smes
    name: 其他入驻企业
    count: 18                                           # a group of alike tenants
    demand: {general: 1P, ai: 2P}
    from: 2023-06
    growth: 30%

scheduling:
  policy: priority             # priority | proportional
  max_utilization: 0.95        # headroom the operator keeps
  leave_after_unserved_months: 6

events:
  - id: export-controls
    probability: 0.4
    window: {from: 2024-01, to: 2024-12}
    delay: {types: [ai], months: {min: 3, mode: 6, max: 12}}
"""


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the only line of `text` holding `needle`."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(found) == 1, f"{needle!r} is on lines {found}"
    return found[0]


# Plain functions (import them: `from tests.helpers import engine_scenario, ym`) so that hypothesis
# tests can use them without function-scoped fixtures.
def ym(index: int, start: str = "2024-01") -> str:
    """The YYYY-MM of month `index` counted from `start` (index 0 is `start`, may be negative)."""
    year, month = (int(x) for x in start.split("-"))
    total = year * 12 + month - 1 + index
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def engine_dict(facilities, tenants=(), *, start="2024-01", end="2025-12", types=("ai", "hpc"),
                **sections) -> dict:
    """A scenario mapping: facilities and tenants get a name (their id) if they have none."""
    return {"name": "engine test", "start": start, "end": end,
            "compute_types": {t: {"label": t.upper()} for t in types},
            "facilities": [{"name": f["id"], **f} for f in facilities],
            "tenants": [{"name": t["id"], **t} for t in tenants], **sections}


def engine_scenario(facilities, tenants=(), **kwargs):
    """A validated Scenario from engine_dict(...)."""
    from simulator import scenario_from_dict

    return scenario_from_dict(engine_dict(facilities, tenants, **kwargs))


def tree_state(root: Path) -> dict[str, tuple]:
    """Every path under `root` (itself included) with its kind, mode and content hash: two
    equal states mean nothing there was added, removed, replaced or changed."""
    import hashlib
    import os
    import stat

    root = Path(root)
    out = {}
    for path in [root, *sorted(root.rglob("*"))]:
        info = os.lstat(path)
        digest = None
        if stat.S_ISREG(info.st_mode):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        elif stat.S_ISLNK(info.st_mode):
            digest = os.readlink(path)
        out[str(path.relative_to(root))] = (stat.S_IFMT(info.st_mode), info.st_mode & 0o7777,
                                            info.st_ino, digest)
    return out


def capsim_in_process(*args, cwd: Path | None = None, env: dict | None = None):
    """`capsim ARGS` in this process through the app the console script runs (typer's
    CliRunner), in `cwd`: a CompletedProcess (returncode, stdout, stderr as text). Much cheaper
    than a new interpreter for commands that stop at once (refusals, bad input); an exception
    that would have reached `main` (a bug) fails the test with it."""
    import contextlib
    import subprocess

    from typer.testing import CliRunner

    from simulator.cli import app

    args = [str(a) for a in args]
    with contextlib.chdir(cwd or Path.cwd()):
        res = CliRunner().invoke(app, args, env={"NO_COLOR": "1", "COLUMNS": "200", **(env or {})})
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise AssertionError(f"`capsim {' '.join(args)}` raised {res.exception!r}") \
            from res.exception
    return subprocess.CompletedProcess(["capsim", *args], res.exit_code, res.stdout, res.stderr)
