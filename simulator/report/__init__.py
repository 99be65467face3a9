"""Stage 6, the PDFs: charts and tables with a bundled Chinese font; matplotlib only here.

- `document`: the one PDF API (`Document`, `Meta`, `Chart`) every PDF is built with;
- `style`, `axes`, `pages`, `fork`, `raster`, `data`: the look, drawing helpers, page furniture,
  the forked PNG renderer, layout and PNG cutting, and the tables a report draws from;
- `i18n/`: the words in Chinese and English;
- `run/`: report.pdf of a run (its pages registered in `run/registry.py`); `compare/`:
  comparison.pdf; `analysis/`: sensitivity, plan, sweep; `hindcast/`: hindcast.pdf.

Imports `simulator.output`, `simulator.analysis` and below; never the CLI.
"""

from simulator.report.analysis.write import (PlanInput, SensitivityInput, SweepInput,
                                             write_analysis_report)
from simulator.report.compare.document import write_comparison_pdf
from simulator.report.document import Chart, Document, Meta
from simulator.report.run.assemble import write_report
from simulator.report.style import MissingGlyphError, strict_glyphs

__all__ = ["Chart", "Document", "Meta", "MissingGlyphError", "PlanInput", "SensitivityInput",
           "SweepInput", "strict_glyphs", "write_analysis_report", "write_comparison_pdf",
           "write_report"]
