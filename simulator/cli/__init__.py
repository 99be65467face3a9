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
from simulator.cli.app import EXIT_FAILED, _err, _state, app, handle_sigterm

__all__ = ["app", "main"]


def tolerant_streams() -> None:
    """On a terminal that is not UTF-8 (LC_ALL=C, cp1252), characters it cannot show are
    written as escapes instead of failing the command after its work is done."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def main() -> None:
    """Entry point of the console script: no traceback reaches a user without --debug."""
    handle_sigterm()
    tolerant_streams()
    try:
        app()
    except KeyboardInterrupt as exc:  # outside a command's guard (while starting up)
        _err("interrupted; nothing was written")
        sys.exit(getattr(exc, "exit_code", 130))
    except SystemExit as exc:  # typer turns an interrupt outside a guard into exit 130
        if exc.code == 130 and _state.get("terminated"):
            _err("interrupted; nothing was written")
            sys.exit(143)
        raise
    except Exception as exc:  # a bug in capsim, not in the input
        if _state.get("interrupted") or _state.get("terminated"):  # swallowed, then failed
            _err("interrupted; nothing was written")
            sys.exit(143 if _state.get("terminated") else 130)
        if _state["debug"]:
            raise
        _err(f"error: internal error ({type(exc).__name__}: {exc}); this is a bug in capsim, "
             f"please report it with the scenario (--debug shows the traceback)")
        sys.exit(EXIT_FAILED)

