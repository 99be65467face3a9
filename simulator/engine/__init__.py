"""Stage 2, the engine: one batch of replications of a Scenario, month by month, in SimPy.

- `arrays`: the scenario compiled to flat numpy arrays (`Compiled`);
- `draws`: one Generator per replication, keyed draws per actor, inverse CDFs;
- `allocation`: the scheduling platform's pure decision (capacity and demand in, grants out);
- `processes`: the SimPy processes (phases, tenants, events, the monthly scheduler), `simulate`;
- `run_result`: what a batch records (`RunResult`, numpy arrays).

Imports `simulator.scenario`, `simulator.units`, `simulator.errors`; no I/O, no printing.
"""
