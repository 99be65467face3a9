"""Build the bundled CJK report font: a TrueType (glyf) subset of Noto Sans CJK SC.

matplotlib embeds TrueType fonts correctly as ``pdf.fonttype`` 42, but not the CFF
outlines Noto/Source Han ship with, so this script

1. picks the face named "Noto Sans CJK SC" out of the Noto Sans CJK collection (.ttc),
2. subsets it to ASCII, Latin-1, general punctuation, CJK symbols and punctuation,
   full-width forms, every GB2312 character and any extra characters given,
3. drops hinting, vertical metrics and all layout data but Latin kerning,
4. converts the cubic CFF outlines to quadratic TrueType curves with fontTools' cu2qu,
5. renames the family to "capsim CJK SC" so it cannot be mistaken for a system font,
6. names the glyphs after their characters (post table 2.0; PostScript output needs names),

and writes ``simulator/report/fonts/CapsimCJKSC-Regular.ttf`` plus the OFL licence text
``simulator/report/fonts/OFL.txt``. The output is deterministic for a given input.

Usage (needs fontTools; the source is the pip package ``noto-cjk-sans-otc``)::

    pip install fonttools noto-cjk-sans-otc
    python tools/make_cjk_font.py
    python tools/make_cjk_font.py --source /path/to/NotoSansCJK-Regular.ttc --extra "√∑"
    python tools/make_cjk_font.py --extra-file scenarios/dianjun-baseline.yaml
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import io
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

REPO = Path(__file__).resolve().parent.parent
FONT_DIR = REPO / "simulator" / "report" / "fonts"
DEFAULT_OUT = FONT_DIR / "CapsimCJKSC-Regular.ttf"
DEFAULT_LICENSE_OUT = FONT_DIR / "OFL.txt"

SOURCE_FACE = "Noto Sans CJK SC"
FAMILY = "capsim CJK SC"
STYLE = "Regular"
POSTSCRIPT_NAME = "CapsimCJKSC-Regular"

# Code point ranges kept in full (inclusive).
RANGES = {
    "ASCII": (0x0020, 0x007E),
    "Latin-1 Supplement": (0x00A0, 0x00FF),
    "General Punctuation": (0x2000, 0x206F),
    "CJK Symbols and Punctuation": (0x3000, 0x303F),
    "Halfwidth and Fullwidth Forms": (0xFF00, 0xFFEF),
}

# A few symbols that capacity reports use and that the ranges above and GB2312 miss.
DEFAULT_EXTRA = "−€™✓↗↘"

# Layout features kept for matplotlib's text shaping (libraqm): Latin kerning only.
# Vertical, width-variant, language-variant and ligature features only add glyphs.
LAYOUT_FEATURES = ["kern"]

# Tables the reports do not need: baselines, vertical metrics, glyph substitution (its
# vertical, width, language variants and ligatures would only add glyphs), signatures.
DROP_TABLES = ["BASE", "VORG", "vhea", "vmtx", "DSIG", "GDEF", "GSUB", "JSTF", "MATH"]

# Maximum cubic -> quadratic approximation error in font units (UPM is 1000).
MAX_ERR = 1.0


def gb2312_chars() -> set[str]:
    """Every character GB2312 encodes: decode each double-byte code 0xA1A1..0xF7FE."""
    chars = set()
    for row in range(0xA1, 0xF8):
        for col in range(0xA1, 0xFF):
            try:
                chars.add(bytes((row, col)).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # unassigned code
    return chars


def wanted_codepoints(extra: str) -> set[int]:
    codepoints = set()
    for lo, hi in RANGES.values():
        codepoints.update(range(lo, hi + 1))
    codepoints.update(ord(c) for c in gb2312_chars())
    codepoints.update(ord(c) for c in extra if not c.isspace())
    return codepoints


def find_source() -> Path:
    spec = importlib.util.find_spec("noto_cjk_sans_otc")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("noto-cjk-sans-otc is not installed here; pip install it or pass --source")
    return Path(next(iter(spec.submodule_search_locations))) / "NotoSansCJK-Regular.ttc"


def find_license(source: Path) -> Path | None:
    """The LICENSE in the dist-info of the noto-cjk-sans-otc package beside the .ttc."""
    for dist_info in sorted(source.parent.parent.glob("noto_cjk_sans_otc-*.dist-info")):
        for candidate in (dist_info / "licenses" / "LICENSE", dist_info / "LICENSE"):
            if candidate.is_file():
                return candidate
    return None


def face_index(source: Path, family: str) -> int:
    if source.suffix.lower() not in {".ttc", ".otc"}:
        return -1
    collection = TTCollection(str(source), lazy=True)
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == family:
            return index
    names = [font["name"].getDebugName(1) for font in collection.fonts]
    sys.exit(f"no face named {family!r} in {source}; faces: {names}")


def subset_font(font: TTFont, codepoints: set[int]) -> None:
    options = subset.Options()
    options.layout_features = LAYOUT_FEATURES
    options.drop_tables += DROP_TABLES
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.glyph_names = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.prune_unicode_ranges = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)


def cff_to_glyf(font: TTFont, max_err: float) -> None:
    """Replace the CFF outlines by quadratic TrueType ones (as fontTools' otf2ttf snippet)."""
    assert font.sfntVersion == "OTTO" and "CFF " in font
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        tt_pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(tt_pen, max_err, reverse_direction=True))
        glyphs[name] = tt_pen.glyph()

    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)

    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)

    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    maxp.maxTwilightPoints = 0
    maxp.maxStorage = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStackElements = 0
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = 0
    maxp.compile(font)

    # Glyph names are fixed by name_glyphs_from_cmap(); format 3 (no names) until then.
    post = font["post"]
    post.formatType = 3.0
    post.extraNames = []
    post.mapping = {}
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def name_glyphs_from_cmap(font: TTFont) -> TTFont:
    """Reload with names derived from the cmap ("space", "uni7B97") and store them (post 2.0).

    The CID glyph names of the source ("cid12345") mean nothing, and a font without names
    breaks matplotlib's PostScript type 42 output: it would name the glyphs it draws
    differently from the glyphs it embeds.
    """
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=False)
    buffer.seek(0)
    named = TTFont(buffer, recalcTimestamp=False, lazy=False)
    named.ensureDecompiled()
    post = named["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = named.getGlyphOrder()
    return named


def rename(font: TTFont, source_version: str) -> None:
    name = font["name"]
    # Drop every family/style record (all languages), then write the new ones.
    name.names = [r for r in name.names if r.nameID not in {1, 2, 3, 4, 5, 6, 16, 17, 18, 21, 22}]
    version = f"{source_version}; capsim GB2312 TrueType subset"
    unique = f"{source_version.removeprefix('Version ').split(';')[0]};capsim;{POSTSCRIPT_NAME}"
    for name_id, text in {
        1: FAMILY,
        2: STYLE,
        3: unique,
        4: f"{FAMILY} {STYLE}",
        5: version,
        6: POSTSCRIPT_NAME,
    }.items():
        name.setName(text, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, English (US)


def build(source: Path, out: Path, extra: str, max_err: float) -> TTFont:
    index = face_index(source, SOURCE_FACE)
    font = TTFont(str(source), fontNumber=index, recalcTimestamp=False, lazy=False)
    cmap = font.getBestCmap()
    source_version = font["name"].getDebugName(5)

    codepoints = wanted_codepoints(extra)
    absent = sorted(cp for cp in codepoints if cp not in cmap)
    requested_absent = [chr(cp) for cp in absent if chr(cp) in extra]
    if requested_absent:
        print(f"warning: not in {SOURCE_FACE}, skipped: {''.join(requested_absent)}", file=sys.stderr)

    subset_font(font, codepoints)
    cff_to_glyf(font, max_err)
    rename(font, source_version)
    font = name_glyphs_from_cmap(font)
    # Deterministic output: the modification time is the source's creation time.
    font["head"].modified = font["head"].created

    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(out), reorderTables=True)
    return font


def write_license(source: Path, license_path: Path | None, out: Path, copyright_line: str) -> None:
    license_path = license_path or find_license(source)
    if license_path is None:
        print("warning: no LICENSE found for the source font; OFL.txt not written", file=sys.stderr)
        return
    body = license_path.read_text(encoding="utf-8")
    copyright_line = copyright_line.replace("©", "Copyright ©") if "Copyright" not in copyright_line else copyright_line
    out.write_text(f"{copyright_line}\n\n{body.rstrip()}\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, help="NotoSansCJK-Regular.ttc (default: from noto-cjk-sans-otc)")
    parser.add_argument("--license", type=Path, help="the source font's LICENSE (default: its dist-info)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--license-out", type=Path, default=DEFAULT_LICENSE_OUT)
    parser.add_argument("--extra", default="", help="extra characters to keep")
    parser.add_argument("--extra-file", type=Path, action="append", default=[],
                        help="keep every character of this UTF-8 text file (repeatable)")
    parser.add_argument("--no-default-extra", action="store_true",
                        help=f"do not add the built-in extra symbols {DEFAULT_EXTRA!r}")
    parser.add_argument("--max-err", type=float, default=MAX_ERR,
                        help="cu2qu approximation error in font units (default %(default)s)")
    args = parser.parse_args(argv)

    source = args.source or find_source()
    extra = args.extra + "".join(p.read_text(encoding="utf-8") for p in args.extra_file)
    if not args.no_default_extra:
        extra = DEFAULT_EXTRA + extra

    font = build(source, args.out, extra, args.max_err)
    write_license(source, args.license, args.license_out, font["name"].getDebugName(0))

    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    print(f"source  {source} (face {SOURCE_FACE!r})")
    print(f"version {font['name'].getDebugName(5)}")
    print(f"wrote   {args.out} ({args.out.stat().st_size:,} bytes, sha256 {digest})")
    print(f"glyphs  {font['maxp'].numGlyphs:,}, characters {len(font.getBestCmap()):,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
