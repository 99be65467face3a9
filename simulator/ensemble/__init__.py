"""Stage 3, ensembles: batches of replications over any Executor, reduced to statistics.

- `run`: `run_ensemble` and the `Ensemble` it returns;
- `executors`: this process, local worker processes, or a Dask cluster;
- `reduce`, `summarise`: a batch reduced where it ran to a mergeable summary (and, if kept,
  its per-replication outcomes);
- `summary`, `stats`: summaries merged exactly (exact sums, bounded-error histograms, counts),
  so memory does not grow with the replication count;
- `counting`, `pipeline_tables`, `money_stats`: the tables of counting rules, the pipeline and
  money; `bounds`: work and memory checked up front;
- `tables`: the statistics as tidy DataFrames (monthly bands, targets, KPIs, phases, tenants).

Imports `simulator.engine` and below; no file I/O.
"""
