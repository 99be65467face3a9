"""Stage 3, ensembles: batches of replications over any Executor, reduced to statistics.

- `run`: `run_ensemble` and the `Ensemble` it returns;
- `executors`: this process, local worker processes, or a Dask cluster;
- `reduce`: replications reduced to what statistics need, merged across batches;
- `tables`: the statistics as tidy DataFrames (monthly bands, targets, KPIs, phases, tenants).

Imports `simulator.engine` and below; no file I/O.
"""
