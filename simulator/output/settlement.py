"""settlement.csv: the bills the settlement platform issues, written beside the other tables."""

from __future__ import annotations

from pathlib import Path

SETTLEMENT_FILE = "settlement.csv"


def write_settlement(ens, out_dir: Path) -> bool:
    """Write settlement.csv (month, tenant, facility, operator, type, kind, p_months,
    amount_cny: the mean over the replications) when the scenario uses money; say if written.

    Rows of kind rent, market and spillover_resale sum to summary.json's
    money.totals.revenue_mcny.mean (x 1e6 CNY); spillover_purchase rows to spillover_cost_mcny.
    """
    from simulator.output.run_dir import write_csv

    table = ens.settlement
    if table is None:
        return False
    write_csv(table, Path(out_dir) / SETTLEMENT_FILE)
    return True
