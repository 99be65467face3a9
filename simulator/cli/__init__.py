"""The `capsim` command line, thin: parse arguments, call the library function, print, map errors.

`app` holds the shared options and the error mapping; `run` the commands on one scenario
(validate, run, report, schema); `analysis` the planner's next questions (compare, sensitivity,
plan, sweep). May import every other subpackage, which never import it.
"""

from __future__ import annotations

import sys

from simulator.cli import analysis, run  # noqa: F401  (registers the commands)
from simulator.cli import hindcast  # noqa: F401  (registers `capsim hindcast`)
from simulator.cli import hardware  # noqa: F401  (registers `capsim hardware`)
from simulator.cli import serve  # noqa: F401  (capsim serve: the workbench)
from simulator.cli.app import EXIT_FAILED, _err, _state, app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the console script: no traceback reaches a user without --debug."""
    try:
        app()
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
    except Exception as exc:  # a bug in capsim, not in the input
        if _state["debug"]:
            raise
        _err(f"error: internal error ({type(exc).__name__}: {exc}); this is a bug in capsim, "
             f"please report it with the scenario (--debug shows the traceback)")
        sys.exit(EXIT_FAILED)

