"""What a run changed from its scenario (--set, -n, --seed), and the default folders that say so.

A run with overrides writes to `reports/<stem>--<hash>/` by default, never over the plain run
`reports/<stem>/`; the hash is the first 8 hex digits of the sha256 of the changes.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from simulator.scenario.schema import DEFAULT_REPLICATIONS, Scenario

REPORTS = Path("reports")


def plain(value: object) -> object:
    """A `--set` value as JSON data: mappings and lists kept, dates and odd numbers as text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


@dataclass(frozen=True)
class Settings:
    """The replications and seed a command ran with, the scenario's own, and the --set values."""

    replications: int
    seed: int
    scenario_replications: int
    scenario_seed: int
    overrides: dict = field(default_factory=dict)  # path -> value (JSON data)

    @classmethod
    def of(cls, scenario: Scenario, overrides: dict | None = None,
           replications: int | None = None, seed: int | None = None) -> "Settings":
        own_n = scenario.replications or DEFAULT_REPLICATIONS
        return cls(replications or own_n, scenario.seed if seed is None else seed, own_n,
                   scenario.seed, {str(k): plain(v) for k, v in (overrides or {}).items()})

    def changes(self) -> dict:
        """What differs from the scenario: the overrides, and -n / --seed when not its own."""
        out: dict = {}
        if self.overrides:
            out["overrides"] = self.overrides
        if self.replications != self.scenario_replications:
            out["replications"] = self.replications
        if self.seed != self.scenario_seed:
            out["seed"] = self.seed
        return out

    def tag(self) -> str:
        """'' for the scenario as it is, else '--' and 8 hex digits naming the changes."""
        changes = self.changes()
        if not changes:
            return ""
        text = json.dumps(changes, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return "--" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]

    def facts(self) -> dict:
        """For summary.json and the folder's marker: overrides, replications, seed."""
        return {"overrides": self.overrides, "replications": self.replications,
                "seed": self.seed}

    def describe(self) -> str:
        """One console line: 'overrides: end=2028-12; 300 replications (scenario: 1,000); ...'."""
        parts = [f"{k}={json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v}"
                 for k, v in self.overrides.items()]
        own = ("" if self.replications == self.scenario_replications else
               f" (scenario: {self.scenario_replications:,})")
        seed = "" if self.seed == self.scenario_seed else f" (scenario: {self.scenario_seed})"
        head = f"overrides: {', '.join(parts)}" if parts else "overrides: none"
        return f"{head}; {self.replications:,} replications{own}; seed {self.seed}{seed}"


def default_out(stem: str, settings: Settings | None = None, suffix: str = "") -> Path:
    """reports/<stem><suffix>, with --<hash> added when the settings change the scenario."""
    return REPORTS / f"{stem}{suffix}{settings.tag() if settings else ''}"


def default_compare_out(files, settings: Settings | None = None) -> Path:
    """reports/compare-<stem1>-vs-<stem2>-vs-...[--<hash>]"""
    stems = [Path(f).stem for f in files]
    name = "compare-" + "-vs-".join(stems)
    if len(name) > 100:  # 9-20 scenarios: a name a file system takes, still unique
        digest = hashlib.sha256("\n".join(stems).encode("utf-8")).hexdigest()[:6]
        name = f"compare-{stems[0][:40]}-and-{len(stems) - 1}-more-{digest}"
    return default_out(name, settings)
