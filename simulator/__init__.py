"""capsim: a compute-capacity planning simulator (scenario in YAML, SimPy model, PDF reports)."""

from importlib import import_module

__version__ = "0.1.0"

# The public API, imported on first use so that `capsim validate` does not pay for numpy,
# SimPy and pandas.
_WHERE = {  # name: (module, name there)
    "Ensemble": ("ensemble.run", "Ensemble"), "run_ensemble": ("ensemble.run", "run_ensemble"),
    "Problem": ("errors", "Problem"), "ScenarioError": ("errors", "ScenarioError"),
    "SimulationError": ("errors", "SimulationError"),
    "load_scenario": ("scenario.load", "load_scenario"),
    "scenario_from_dict": ("scenario.validate", "scenario_from_dict"),
    "simulate": ("engine.processes", "simulate"), "RunResult": ("engine.run_result", "RunResult"),
    "Scenario": ("scenario.schema", "Scenario"),
    "read_run": ("output.run_dir", "read_run"), "write_run": ("output.run_dir", "write_run"),
    "run_sensitivity": ("analysis.sensitivity", "sensitivity"), "run_plan": ("analysis.plan", "plan"),
    "run_sweep": ("analysis.sweep", "run_sweep"), "run_comparison": ("analysis.compare", "run_comparison"),
}

__all__ = sorted(["__version__", *_WHERE])


def __getattr__(name: str):
    if name in _WHERE:
        module, attr = _WHERE[name]
        value = getattr(import_module(f".{module}", __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
