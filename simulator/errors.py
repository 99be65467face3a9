"""Errors capsim raises: ScenarioError for bad input, SimulationError for a failed run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in a scenario, located as precisely as the input allows."""

    message: str
    path: str = ""  # dotted field path, e.g. "facilities.nacic.phases.p2.start"
    file: str | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    hint: str | None = None
    loc: tuple = ()  # the path as keys and list indices into the raw data, for locating it

    def render(self) -> str:
        """`file:line:column: field.path: message (hint)` with the parts that are known."""
        where = ""
        if self.file is not None:
            where = str(self.file)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        field = f"{self.path}: " if self.path else ""
        hint = f" ({self.hint})" if self.hint else ""
        return " ".join(f"{where}{field}{self.message}{hint}".splitlines())  # one line, always


class ScenarioError(ValueError):
    """A scenario that cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(p.render() for p in self.problems))

    def lines(self) -> list[str]:
        """One rendered line per problem."""
        return [p.render() for p in self.problems]


class SimulationError(RuntimeError):
    """A simulation that could not complete (a worker died, a cluster was unreachable, ...)."""
