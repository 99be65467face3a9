"""hindcast.pdf: a scenario's forecast against what was reported (a fan per observed series).

- `charts`: the fan of one observed series with its observations as points, `(ax, data) -> ax`;
- `document`: the pages (summary with the verdict and tables, fans with sources as footnotes).
"""

from simulator.report.hindcast.document import hindcast_pages, write_hindcast_pdf

__all__ = ["hindcast_pages", "write_hindcast_pdf"]
