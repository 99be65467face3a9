"""Stage 6, the PDFs: charts and tables with a bundled Chinese font; matplotlib only here.

- `style`, `axes`, `pages`, `fork`, `data`: the look, drawing helpers, page furniture, the forked
  PNG renderer, and the tables a report draws from;
- `i18n/`: the words in Chinese and English;
- `run/`: report.pdf of a run; `compare/`: comparison.pdf; `analysis/`: sensitivity, plan, sweep;
  `hindcast/`: hindcast.pdf.

Imports `simulator.output`, `simulator.analysis` and below; never the CLI.
"""

from simulator.report.analysis.write import write_analysis_report
from simulator.report.run.assemble import write_report
from simulator.report.compare.document import write_comparison_pdf
from simulator.report.style import MissingGlyphError, strict_glyphs

__all__ = ["MissingGlyphError", "strict_glyphs", "write_analysis_report", "write_comparison_pdf",
           "write_report"]
