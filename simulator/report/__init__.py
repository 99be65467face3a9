"""PDF reports for capsim: charts and tables with a bundled Chinese font."""

from .analysis import write_analysis_report
from .assemble import write_report
from .compare_report import write_comparison_pdf
from .style import MissingGlyphError, strict_glyphs

__all__ = ["MissingGlyphError", "strict_glyphs", "write_analysis_report", "write_comparison_pdf",
           "write_report"]
