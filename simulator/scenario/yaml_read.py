"""Read one YAML file into positioned data, within limits of size, depth and count."""

from __future__ import annotations

import os
import stat

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from simulator.errors import Problem, ScenarioError
from simulator.scenario.layers import PosDict, PosList, positioned
from simulator.scenario.yaml_errors import mark_position, reader_problem, yaml_problem

MAX_FILE_BYTES = 2_000_000  # a scenario is a few kB; this guards against the wrong file
# The pure-Python YAML parser needs 40-80 us per value, so the count bounds the time a wrong
# file can take (~4-8 s). The Dianjun baseline has ~260 values, a synthetic scenario of 100
# facilities and 1000 tenants ~11,000 (about 10,000 tenant entries fit; larger scenarios are
# built in Python). Aliases can expand a small file into a huge tree ("billion laughs"): the
# same limit applies to the values after expansion.
MAX_NODES = 100_000
MAX_DEPTH = 40

_BOMS = [(b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
         (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16")]


class _Constructor(RoundTripConstructor):
    """ruamel's round-trip constructor, except that a scalar it cannot build stays text.

    `2023-02-31`, an integer of 5000 digits or `!!int ""` make ruamel raise a bare ValueError
    without a position; as text they reach validation, which names the field and the line.
    """


def _or_text(construct):
    def construct_or_text(self, node):
        try:
            return construct(self, node)
        except (ValueError, TypeError, IndexError, OverflowError):
            return str(node.value)
    return construct_or_text


for _tag in ("int", "float", "bool", "timestamp"):  # 2024-02-30 stays text: month 2024-02
    _name = f"tag:yaml.org,2002:{_tag}"
    _Constructor.add_constructor(_name, _or_text(RoundTripConstructor.yaml_constructors[_name]))


def _refuse_tag(self, node):
    """`!!binary`, `!!set`, `!!omap`, `!!python/...` and other explicit tags: a scenario holds
    text, numbers, lists and mappings only."""
    tag = str(node.tag)
    shown = "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") \
        else tag
    raise _Limit(f"YAML: the tag {shown[:60]} is not allowed in a scenario", node.start_mark,
                 "remove the tag; a scenario holds text, numbers, lists and mappings")


for _tag in ("binary", "set", "omap", "pairs"):
    _Constructor.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)
_Constructor.add_constructor(None, _refuse_tag)


class _Limit(Exception):
    """A document beyond MAX_DEPTH or MAX_NODES, or a value no scenario holds (an explicit
    tag), found while parsing: stop before the rest."""

    def __init__(self, message: str, mark, hint: str | None = None) -> None:
        super().__init__(message)
        self.mark, self.hint = mark, hint


class _Composer(Composer):
    """ruamel's composer, counting values and depth as it goes, so the parse stops early."""

    def __init__(self, loader=None) -> None:
        super().__init__(loader)
        self._nodes = self._depth = 0

    def compose_node(self, parent, index):
        self._nodes += 1
        self._depth += 1
        try:
            if self._nodes > MAX_NODES:
                raise _Limit(f"the file holds more than {MAX_NODES:,} values, the most a "
                             f"scenario may hold", None)
            if self._depth > MAX_DEPTH:
                raise _Limit(f"nesting deeper than {MAX_DEPTH} levels",
                             self.parser.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def read_yaml(path: str | os.PathLike, *, text: str | None = None) -> object:
    """Parse one YAML file into PosDict/PosList/scalars, or raise ScenarioError located in it."""
    return read_document(path, text=text)[0]


def read_document(path: str | os.PathLike, *, text: str | None = None) -> tuple[object, bool]:
    """read_yaml's data, and whether the file holds nothing but comments and blank lines."""
    name = str(path)
    if text is None:
        text = _read_text(path, name)
    if "\x00" in text:
        raise ScenarioError(Problem("the file holds binary data, not YAML text", file=name,
                                    hint="is it the right file?"))
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _Constructor
    yaml.Composer = _Composer
    try:
        doc = yaml.load(text)
    except _Limit as exc:
        line, col = mark_position(exc.mark)
        raise ScenarioError(Problem(str(exc), file=name, line=line, column=col,
                                    hint=exc.hint or (None if exc.mark else
                                                      "is it the right file?"))) from None
    except MarkedYAMLError as exc:
        raise ScenarioError(yaml_problem(exc, name, text)) from None
    except ReaderError as exc:  # a control character: YAML allows printable text only
        raise ScenarioError(reader_problem(exc, name, text)) from None
    except YAMLError as exc:
        raise ScenarioError(Problem(f"not valid YAML: {exc}", file=name)) from None
    except RecursionError:
        raise ScenarioError(Problem("nesting is too deep to be a scenario", file=name)) from None
    except Exception as exc:  # noqa: BLE001 - ruamel fails in odd ways on odd tags (`!!set 1`)
        raise ScenarioError(Problem("YAML: cannot build the document", file=name,
                                    hint="is an explicit tag (!!...) misused?")) from exc
    comments_only = doc is None and any(line.strip() for line in text.splitlines())
    return _convert(doc, name, (name, 1, 1), [0], 0), comments_only


# ---------------------------------------------------------------- bytes to text
def not_a_file(path: str | os.PathLike) -> str | None:
    """What stands at `path` when it is not a regular file ('a directory', 'a named pipe
    (FIFO)', 'a device', ...), 'no such file', or None for a file. Opening a FIFO would wait
    for a writer for ever, so it is looked at first."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "no such file"
    except (OSError, ValueError):
        return None  # opening it says why
    if stat.S_ISREG(mode):
        return None
    return ("a directory" if stat.S_ISDIR(mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
            "a socket" if stat.S_ISSOCK(mode) else "not a regular file")


def _read_text(path: str | os.PathLike, name: str) -> str:
    what = not_a_file(path)
    if what == "no such file":
        raise ScenarioError(Problem("no such file", file=name))
    if what is not None:
        raise ScenarioError(Problem(f"is {what}, not a scenario file", file=name))
    try:
        with open(path, "rb") as f:  # at most the limit: /dev/zero has no size, yet no end
            raw = f.read(MAX_FILE_BYTES + 1)
        size = os.path.getsize(path)  # 0 for a device or a pipe
    except FileNotFoundError:
        raise ScenarioError(Problem("no such file", file=name)) from None
    except IsADirectoryError:
        raise ScenarioError(Problem("is a directory, not a scenario file", file=name)) from None
    except (OSError, ValueError) as exc:  # permissions, a name too long, a NUL in the name
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ScenarioError(Problem(f"cannot read: {reason}", file=name)) from None
    if len(raw) > MAX_FILE_BYTES:
        big = (f"is {size / 1e6:.1f} MB" if size > MAX_FILE_BYTES else
               f"holds more than {MAX_FILE_BYTES / 1e6:g} MB")
        raise ScenarioError(Problem(f"the file {big}; a scenario is a few kB "
                                    f"(limit {MAX_FILE_BYTES / 1e6:g} MB)", file=name,
                                    hint="is it the right file?"))
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            raise ScenarioError(Problem(f"the file is {encoding} text; capsim reads UTF-8",
                                        file=name, line=1, column=1, hint="save it as UTF-8"))
    if b"\x00" in raw or _mostly_control(raw):
        raise ScenarioError(Problem("the file holds binary data, not YAML text", file=name,
                                    hint="is it the right file?"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioError(Problem(f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})"
                                    f"{_guess_encoding(raw)}", file=name, line=line,
                                    column=column, hint="save it as UTF-8")) from None


def _mostly_control(raw: bytes) -> bool:
    """More than a tenth of the first 4 kB are control bytes other than tab and line breaks."""
    head = raw[:4096]
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 13)) + head.count(127)
    return bool(head) and control * 10 > len(head)


def _guess_encoding(raw: bytes) -> str:
    """'; it may be GBK (Chinese) text' when it decodes so; '' when there is no good guess."""
    try:
        raw.decode("gb2312")  # GBK's common core: both bytes of a character >= 0xA1
        return "; it may be GBK (Chinese) text"
    except UnicodeDecodeError:
        pass
    try:
        decoded = raw.decode("cp1252")
    except UnicodeDecodeError:
        return ""
    printable = all(c.isprintable() or c in "\t\r\n" for c in decoded)
    return "; it may be Latin-1 (Windows-1252) text" if printable else ""


def _convert(node, name, where, count, depth):
    """CommentedMap/Seq to PosDict/PosList, with positions, a node budget and a depth limit."""
    count[0] += 1
    if count[0] > MAX_NODES:
        raise ScenarioError(Problem(f"the document expands to more than {MAX_NODES:,} values "
                                    f"through its aliases, the most a scenario may hold",
                                    file=name, hint="an alias *name copies all that &name marks"))
    if depth > MAX_DEPTH:
        raise ScenarioError(Problem(f"nesting deeper than {MAX_DEPTH} levels", file=name,
                                    line=where[1], column=where[2]))
    if isinstance(node, CommentedMap):
        out = PosDict(where=where)
        for raw_key, value in node.items():
            kl, kc = _pair(_lc(node.lc.key, raw_key)) or where[1:]
            vl, vc = _pair(_lc(node.lc.value, raw_key)) or where[1:]
            key = _plain(raw_key)
            if isinstance(key, bool):
                key = str(key).lower()  # `true:` as YAML wrote it
            elif not isinstance(key, (str, int, float)):
                key = str(key)  # `? [a, b]`, `true:` or a date as a key: text, for the message
            out.kpos[key] = (name, kl, kc)
            out.vpos[key] = (name, vl, vc)
            out[key] = _convert(value, name, out.vpos[key], count, depth + 1)
        return out
    if isinstance(node, CommentedSeq):
        out = PosList(where=where)
        for i, item in enumerate(node):
            il, ic = _pair(_lc(node.lc.item, i)) or where[1:]
            out.ipos[i] = (name, il, ic)
            out.append(_convert(item, name, out.ipos[i], count, depth + 1))
        return out
    if isinstance(node, (dict, list)):  # plain containers (from --set values)
        return positioned(node, where)
    return _plain(node)


def _lc(lookup, key):
    """ruamel's position of a key or value; None for a key merged in by `<<: *anchor`."""
    try:
        return lookup(key)
    except (KeyError, IndexError):
        return None


def _pair(lc) -> tuple[int, int] | None:
    try:
        return lc[0] + 1, lc[1] + 1
    except (TypeError, IndexError):
        return None


def _plain(value):
    """ruamel's scalar subclasses (ScalarFloat, TaggedScalar, ...) as plain Python values."""
    if isinstance(value, bool) or value is None:
        return value
    for kind in (int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value if hasattr(value, "year") else str(value)
