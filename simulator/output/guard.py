"""Where capsim may write: the marker of its output folders, refusals, and leftover staging.

capsim replaces a path only when it is a folder capsim wrote for the same kind of output
(`run`, `compare`, `sensitivity`, `plan`, `sweep`, `hindcast`): such a folder carries the
marker file `.capsim-run` (JSON: kind, version, command, overrides, replications, seed).
Anything else (a file, a device, a link, a folder of someone else's files, the working
directory or one of its parents, a folder that holds a scenario being read) is refused with a
one-line ScenarioError before anything is written.
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import stat
from collections.abc import Iterable
from pathlib import Path

from simulator.errors import Problem, ScenarioError

MARKER = ".capsim-run"
KINDS = ("run", "compare", "sensitivity", "plan", "sweep", "hindcast")
HINT = "give --out another path, or delete it yourself if it is no longer needed"

# What each kind of folder held before the marker existed: a folder holding only these names
# (and `charts/` of PNGs) is capsim's own output of that kind, and may be replaced.
_LEGACY = {
    "run": ("summary.json", "scenario.resolved.yaml", "*.csv", "results.xlsx", "report.pdf"),
    "compare": ("comparison.csv", "assumptions_diff.csv", "comparison.pdf"),
    "sensitivity": ("sensitivity.csv", "sensitivity.pdf"),
    "plan": ("plan.csv", "plan-*.yaml", "plan.pdf"),
    "sweep": ("sweep.csv", "sweep.pdf"),
    "hindcast": ("*.csv", "hindcast.pdf", "summary.json"),
}


def marker_record(kind: str, command: str | None = None, **facts: object) -> dict:
    """The content of `.capsim-run`: what wrote the folder, and with which overrides."""
    from simulator import __version__

    return {"kind": kind, "version": __version__, "command": command, **facts}


def write_marker(folder: Path, record: dict) -> None:
    (Path(folder) / MARKER).write_text(json.dumps(record, indent=2, ensure_ascii=False,
                                                  default=str) + "\n", encoding="utf-8")


def read_marker(folder: Path) -> dict | None:
    """The folder's marker as a mapping, or None when it has none (or an unreadable one)."""
    path = Path(folder) / MARKER
    try:
        if not path.is_file() or path.stat().st_size > 100_000:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("kind") in KINDS else None


def check_out(target: str | os.PathLike, kind: str, inputs: Iterable[str | os.PathLike] = ()
              ) -> None:
    """Raise ScenarioError unless capsim may write a `kind` folder at `target`.

    Allowed: nothing there yet, an empty folder, or a folder capsim wrote for the same kind.
    `inputs` are files being read (scenarios): a folder that holds one is never replaced.
    """
    target = Path(target)
    problem = _refusal(target, kind, [Path(p) for p in inputs])
    if problem:
        raise ScenarioError(Problem(problem, file=str(target), hint=HINT))


def check_own(folder: str | os.PathLike, kind: str) -> None:
    """Raise ScenarioError unless `folder` (if it exists) is a `kind` folder capsim wrote:
    for commands that add files inside one (`capsim report RUN_DIR`)."""
    folder = Path(folder)
    if not folder.is_dir() or folder.is_symlink():
        return  # reading it says what is wrong
    problem = _folder_refusal(folder, kind)  # an empty one: reading it says what is missing
    if problem:
        raise ScenarioError(Problem(problem, file=str(folder),
                                    hint=f"give a folder that `capsim {kind}` wrote"))


def _refusal(target: Path, kind: str, inputs: list[Path]) -> str | None:
    absolute = Path(os.path.abspath(target))
    real = Path(os.path.realpath(target))
    here = Path(os.path.realpath(os.getcwd()))
    if absolute == Path(absolute.anchor) or real == Path(real.anchor):
        return "is the root of the file system; capsim writes only into a folder of its own"
    if real == here or real in here.parents:
        what = "the working directory" if real == here else "a parent of the working directory"
        return f"is {what}; capsim writes only into a folder of its own"
    for file in inputs:
        try:
            inside = Path(os.path.realpath(file))
        except (OSError, ValueError):
            continue
        if real in inside.parents:
            return f"holds {file}, which this command reads; capsim does not replace it"
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return "cannot write the output here: a part of the path is a file, not a folder"
    except OSError as exc:
        return f"cannot write the output here: {exc.strerror}"
    if not stat.S_ISDIR(info.st_mode):
        return f"is {_what(info.st_mode)}, not a folder capsim wrote; capsim does not replace it"
    return _folder_refusal(target, kind)


def _what(mode: int) -> str:
    return ("a symbolic link" if stat.S_ISLNK(mode) else
            "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
            "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else
            "a socket" if stat.S_ISSOCK(mode) else "a file")


def _folder_refusal(target: Path, kind: str) -> str | None:
    try:
        entries = os.listdir(target)
    except OSError as exc:
        return f"is a folder capsim cannot read ({exc.strerror})"
    if not entries:
        return None
    marker = read_marker(target)
    if marker is not None:
        if marker["kind"] == kind:
            return None
        return (f"holds capsim's {marker['kind']} output, not a {kind}; capsim replaces a "
                f"folder only with output of the same kind")
    if _legacy(target, entries, kind):
        return None
    return (f"is a folder capsim did not write (no {MARKER} marker; it holds "
            f"{_count(len(entries))}); capsim replaces only its own output folders")


def _count(n: int) -> str:
    return "1 entry" if n == 1 else f"{n:,} entries"


def _legacy(target: Path, entries: list[str], kind: str) -> bool:
    """A folder written by a capsim from before the marker: only names that kind writes."""
    patterns = _LEGACY.get(kind, ())
    for name in entries:
        path = target / name
        if name == "charts" and path.is_dir() and not path.is_symlink():
            if all(c.endswith(".png") and (path / c).is_file() for c in os.listdir(path)):
                continue
            return False
        if path.is_symlink() or not path.is_file():
            return False
        if not any(fnmatch.fnmatchcase(name, p) for p in patterns):
            return False
    return True


def clean_leftovers(target: Path) -> None:
    """Remove staging (`.NAME.tmp-*`) and backup (`.NAME.old-*`) folders that an interrupted
    run left beside `target`; those of a run still going (its pid alive) are left alone."""
    parent = target.parent if str(target.parent) else Path(".")
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for name in names:
        for kind in ("tmp", "old"):
            prefix = f".{target.name}.{kind}-"
            if not name.startswith(prefix):
                continue
            path = parent / name
            if path.is_symlink() or not path.is_dir() or _alive(name[len(prefix):]):
                continue
            shutil.rmtree(path, ignore_errors=True)


def _alive(rest: str) -> bool:
    """Whether the pid in `<pid>-<random>` names a running process other than this one."""
    pid_text, dash, _ = rest.partition("-")
    if not dash or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def current_umask() -> int:
    """The process umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
