"""ruamel.yaml's errors as Problems a planner can act on: where, what, and how to fix it."""

from __future__ import annotations

from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.reader import ReaderError

from simulator.errors import Problem


FULL_WIDTH_COLON = "\uff1a"  # '：', what a Chinese input method types for ':'


def mark_position(mark) -> tuple[int | None, int | None]:
    """A ruamel mark as 1-based (line, column)."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (None, None)


def reader_problem(exc: ReaderError, name: str, text: str) -> Problem:
    at = exc.position if isinstance(exc.position, int) else 0
    char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
    return Problem(f"YAML: the character {char} is not allowed in YAML text", file=name,
                   line=text.count("\n", 0, at) + 1,
                   column=at - (text.rfind("\n", 0, at) + 1) + 1,
                   hint="remove it, or write it as an escape in double quotes")


# ruamel's names of tokens, as a user would say them
_TOKENS = {"'<block mapping start>'": "a key", "'<block sequence start>'": "a list item '-'",
           "'<scalar>'": "a value", "'<stream end>'": "the end of the file", "'?'": "a key",
           "'-'": "a list item '-'", "'<block end>'": "the end of the block"}


def yaml_problem(exc: MarkedYAMLError, name: str, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or exc.context or "not valid YAML").strip()
    context = (exc.context or "").strip() if exc.problem else ""
    ctx = exc.context_mark
    started = f"line {ctx.line + 1}" if ctx is not None else "above"
    hint = None
    if "duplicate key" in problem:
        key = problem.split('"')[1] if '"' in problem else ""
        first = _first_key_line(text, key, ctx, mark)
        problem = f"duplicate key {key!r}" + (f", first at line {first}" if first else "")
        hint = "each key may appear once in a mapping"
    elif "'\\t'" in problem:  # "found character '\t' that cannot start any token"
        problem = "a tab character, where YAML allows none"
        hint = "YAML indents with spaces, not tabs"
    elif problem.startswith("found undefined alias"):
        alias = problem.partition("alias ")[2].strip("'\"")
        hint = (f"*{alias} repeats what an anchor &{alias} marks earlier in the file; quote the "
                f"value if the '*' is text")
    elif problem.startswith("found character"):
        hint = "quote the value if it is text"
    elif problem.startswith("mapping values are not allowed"):
        problem = "a 'key: value' cannot start here"
        hint = "check the indentation, or quote a value that holds ': '"
    elif "quoted scalar" in context and "end of stream" in problem and ctx is not None:
        mark = ctx  # the quote that opened it, not the end of the file
        problem = "this quoted text is never closed"
        hint = "add the closing quote"
    elif "simple key" in context and "expected ':'" in problem and ctx is not None:
        mark = ctx  # the key, not the line after it
        line_text = text.splitlines()[ctx.line] if ctx.line < len(text.splitlines()) else ""
        if FULL_WIDTH_COLON in line_text:
            problem = f"this line has a full-width colon '{FULL_WIDTH_COLON}' (U+FF1A) where " \
                      f"YAML needs ':'"
            hint = "type the ASCII colon ':' and a space; a Chinese input method types '：'"
        else:
            problem = "this line has no ':' after its key"
            hint = "write key: value, with a space after the colon"
    elif problem.startswith("expected <block end>") and ctx is not None:
        found = problem.partition("but found ")[2].strip()
        problem = (f"bad indentation: {_TOKENS.get(found, found)} that does not line up with "
                   f"the block that starts at {started}")
        hint = "indent it exactly like the lines it belongs with, using spaces"
    elif context.startswith("while parsing a flow") and ctx is not None:
        found = problem.partition("but got ")[2].strip()
        problem = problem.replace(found, _TOKENS.get(found, found)) if found else problem
        bracket = text.splitlines()[ctx.line][ctx.column:ctx.column + 1] if ctx.line < len(
            text.splitlines()) else ""
        hint = (f"is the {bracket!r} at line {ctx.line + 1}, column {ctx.column + 1} closed?"
                if bracket in ("[", "{") else f"{context}, which starts at {started}")
    elif context and problem.startswith("but "):  # "expected a single document", "but found ..."
        problem = f"{context}, {problem}"
        if "single document" in context:
            problem = "a second document ('---') in the file; a scenario is one document"
            hint = "remove the '---' line, or put each scenario in a file of its own"
    elif context and ctx is not None and mark is not None and ctx.line != mark.line:
        hint = f"{context}, which starts at {started}"
    line, col = mark_position(mark)
    return Problem(f"YAML: {problem}", file=name, line=line, column=col, hint=hint)


def _first_key_line(text: str, key: str, start, dup) -> int | None:
    """The line of the first `key:` of the block mapping in which `dup` repeats it, if found.

    ruamel marks where the mapping starts, not where the key first stood: search between.
    """
    if start is None or dup is None or not key:
        return None
    lines = text.splitlines()
    for n in range(start.line, min(dup.line, len(lines))):
        line = lines[n]
        before, rest = line[:dup.column], line[dup.column:]
        if (not before.strip(" -") and rest.startswith(key)
                and rest[len(key):].lstrip().startswith(":")):
            return n + 1
    return None


# ---------------------------------------------------------------- ruamel's tree to ours
