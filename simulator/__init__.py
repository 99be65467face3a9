"""capsim: a compute-capacity planning simulator (scenario in YAML, SimPy model, PDF reports)."""

from .checks import scenario_from_dict
from .ensemble import Ensemble, run_ensemble
from .errors import Problem, ScenarioError, SimulationError
from .loading import load_scenario
from .model import simulate
from .output import read_run, write_run
from .results import RunResult
from .scenario import Scenario

__version__ = "0.1.0"

__all__ = [
    "Ensemble",
    "Problem",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SimulationError",
    "__version__",
    "load_scenario",
    "read_run",
    "run_ensemble",
    "scenario_from_dict",
    "simulate",
    "write_run",
]
