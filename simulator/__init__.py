"""capsim: a compute-capacity planning simulator (scenario in YAML, SimPy model, PDF reports)."""

from .checks import scenario_from_dict
from .errors import Problem, ScenarioError, SimulationError
from .loading import load_scenario
from .scenario import Scenario

__version__ = "0.1.0"

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "SimulationError",
    "__version__",
    "load_scenario",
    "scenario_from_dict",
]
