"""Stage 6, the PDFs: charts and tables with a bundled Chinese font; matplotlib only here.

- `document`: the one PDF API (`Document`, `Meta`, `Chart`) every PDF is built with;
- `style`, `axes`, `pages`, `fork`, `halves`, `raster`, `data`: the look, drawing helpers, page
  furniture, forked drawing (pages on two cores), layout and PNG cutting, and the tables a
  report draws from; `tee`, `canvas`, `inked`, `pngfile`: the PNGs drawn from the PDF's own
  draw of a page, cut and written;
- `i18n/`: the words in Chinese and English;
- `run/`: report.pdf of a run (its pages registered in `run/registry.py`); `compare/`:
  comparison.pdf; `analysis/`: sensitivity, plan, sweep; `hindcast/`: hindcast.pdf.

Imports `simulator.output`, `simulator.analysis` and below; never the CLI.

The names below are imported when first used (PEP 562), so `capsim run` loads the run
report's modules only, not those of the comparison and the analyses.
"""

from __future__ import annotations

import importlib

_HOMES = {
    "PlanInput": "simulator.report.analysis.write",
    "SensitivityInput": "simulator.report.analysis.write",
    "SweepInput": "simulator.report.analysis.write",
    "write_analysis_report": "simulator.report.analysis.write",
    "write_comparison_pdf": "simulator.report.compare.document",
    "Chart": "simulator.report.document",
    "Document": "simulator.report.document",
    "Meta": "simulator.report.document",
    "write_report": "simulator.report.run.assemble",
    "MissingGlyphError": "simulator.report.style",
    "strict_glyphs": "simulator.report.style",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'simulator.report' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # once
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
