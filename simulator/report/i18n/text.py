"""Words of the reports in Chinese and English, names in the report's language, number formats."""

from __future__ import annotations

import math
import re
import textwrap

from simulator.report.i18n.strings import STRINGS

LANGUAGES = ("zh", "en")

_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


class Text:
    """The report's words in one language: ``t("key", **fields)``, names and number formats."""

    def __init__(self, lang: str):
        if lang not in LANGUAGES:
            raise ValueError(f'"lang" must be zh or en, got {lang!r}')
        self.lang = lang
        self._i = LANGUAGES.index(lang)

    def __call__(self, key: str, **fields) -> str:
        text = STRINGS[key][self._i]
        return text.format(**fields) if fields else text

    # ------------------------------------------------------------ names in the report's language
    def pick(self, zh: str | None, en: str | None, fallback: str) -> str:
        """The Chinese name in zh; in en the English one, else the name if it has no CJK, else
        the fallback (an id), so an English report shows no Chinese."""
        if self.lang == "zh":
            return zh or en or fallback
        if en:
            return en
        return zh if zh and not has_cjk(zh) else fallback

    # ------------------------------------------------------------ numbers
    def pct(self, p: float) -> str:
        """A probability: '4 %' (en) / '4%' (zh); '<1 %' and '>99 %' near the ends."""
        sep = " " if self.lang == "en" else ""
        if p is None or (isinstance(p, float) and math.isnan(p)):
            return "–"
        if 0 < p < 0.01:
            return f"<1{sep}%"
        if 0.99 < p < 1:
            return f">99{sep}%"
        return f"{p * 100:.0f}{sep}%"

    @property
    def dot(self) -> str:
        """A separator between parts of a label (the CJK middle dot is full-width in English)."""
        return " · " if self.lang == "zh" else " – "

    @property
    def comma(self) -> str:
        return "，" if self.lang == "zh" else ", "

    @property
    def semi(self) -> str:
        return "；" if self.lang == "zh" else "; "

    def paren(self, text: str) -> str:
        return f"（{text}）" if self.lang == "zh" else f" ({text})"

    def colon(self, label: str, value: str) -> str:
        """'label: value' (en) / 'label：value' (zh)."""
        return f"{label}：{value}" if self.lang == "zh" else f"{label}: {value}"

    def month_or_never(self, month) -> str:
        return month if isinstance(month, str) and month else self("not_met")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def cap(value: float, unit: str = "P") -> str:
    """A capacity: '2,410P', '0.8P'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    v = float(value)
    if abs(v) < 10 and abs(v - round(v)) > 0.05:
        return f"{v:,.1f}{unit}"
    return f"{v:,.0f}{unit}"


def num(value: float, digits: int | None = None) -> str:
    """A number with thousands separators; one decimal below 10 unless `digits` says."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    v = float(value)
    if digits is None:
        digits = 0 if abs(v) >= 10 or v == round(v) else 1
    return f"{v:,.{digits}f}"


def band(p50: float, p10: float, p90: float, fmt=None) -> str:
    """'P50 [P10–P90]' in one format (the brackets without the unit), or just P50 when the
    three agree."""
    values = [p50, p10, p90]
    if fmt is cap and all(v == 0 for v in values):
        return "0P"
    if fmt is cap:
        digits = 0 if max(abs(float(v)) for v in values) >= 10 else 1
        fmt_num = lambda v: num(v, digits)  # noqa: E731
        shown = [fmt_num(v) for v in values]
        if len(set(shown)) == 1:
            return cap(p50)
        return f"{shown[0]}P [{shown[1]}–{shown[2]}]"
    if fmt is None:
        big = max(abs(float(v)) for v in values if v == v) if any(v == v for v in values) else 0
        digits = 0 if big >= 10 else 1
        fmt = lambda v: num(v, digits)  # noqa: E731
    if all(v == 0 for v in values):
        return "0"
    shown = [fmt(v) for v in values]
    if len(set(shown)) == 1:
        return shown[0]
    return f"{shown[0]} [{shown[1]}–{shown[2]}]"


_NO_LINE_END = set("（([【「『“")
_NO_LINE_START = set("）)】」』，,。.：:；;、！!？?%％…")


def wrap(text: str, width: int, max_lines: int | None = None) -> str:
    """Wrap a label to lines of at most `width` columns (a CJK character counts two), the lines
    balanced (no orphan word on the last); closing brackets and punctuation never start a line;
    beyond `max_lines` an ellipsis."""
    lines = _wrap(text, width)
    need = len(lines)
    for w in range(max(1, -(-_cols(text) // need)), width):  # the narrowest as few lines
        if len(_wrap(text, w)) == need:
            lines = _wrap(text, w)
            break
    if max_lines and len(lines) > max_lines:
        lines = _wrap(text, width)[:max_lines]
        lines[-1] = shorten(lines[-1] + " …", width)
    return "\n".join(lines)


def _cols(text: str) -> int:
    return sum(2 if has_cjk(ch) else 1 for ch in text)


_TOKEN = re.compile(r"[A-Za-z0-9.,:%+\-–/'’]+|\s+|.")


def _wrap(text: str, width: int) -> list[str]:
    """Greedy lines of at most `width` columns (longer only where a word or a closing mark
    would otherwise start a line); latin words and numbers stay whole."""
    if not has_cjk(text):
        return textwrap.wrap(text, width) or [text]
    lines, line = [], ""
    for tok in _TOKEN.findall(text):
        if line and _cols(line) + _cols(tok) > width and not tok.isspace():
            if (tok[0] in _NO_LINE_START or line[-1] in _NO_LINE_END) and len(line) > 1:
                lines.append(line[:-1])  # take the last character along
                line = line[-1]
            elif tok[0] not in _NO_LINE_START:
                lines.append(line.rstrip())
                line = ""
        line += tok if line or not tok.isspace() else ""
    return lines + [line]


def shorten(text: str, width: int) -> str:
    """Cut a label to `width` columns (a CJK character counts two), with an ellipsis."""
    used, out = 0, ""
    for ch in text:
        used += 2 if has_cjk(ch) else 1
        if used > width - 1:
            return out.rstrip() + "…"
        out += ch
    return text
