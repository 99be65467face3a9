"""The tables the analyses write into their folders (the comparison's CSVs)."""

from __future__ import annotations

from pathlib import Path

from simulator.analysis.compare import Comparison, comparison_table, diff_table
from simulator.output.run_dir import write_csv


def write_comparison_tables(comp: Comparison, out_dir: Path) -> None:
    """comparison.csv (targets and KPIs with differences) and assumptions_diff.csv."""
    out_dir = Path(out_dir)
    write_csv(comparison_table(comp), out_dir / "comparison.csv")
    write_csv(diff_table(comp), out_dir / "assumptions_diff.csv")
