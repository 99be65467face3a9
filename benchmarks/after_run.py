"""CPU of the work after a batch's last month in 10,000 baseline replications (batches of 500):
`MonthlyRecord.finish` (tenant sums, the market's sales, rents and bills) and
`RunResult.from_batch` (history, economics), and of the whole ensemble, in this process after a
warm-up run (the kernels compiled or loaded).

    .venv/bin/python benchmarks/after_run.py [SCENARIO]          # kernels, if numba is there
    CAPSIM_NUMBA=0 .venv/bin/python benchmarks/after_run.py      # the numpy paths
"""

from __future__ import annotations

import sys
import time

import simulator as sim
from simulator import jit
from simulator.engine import record, run_result
from simulator.engine.arrays import compile_scenario
from simulator.ensemble.run import run_ensemble

spent = {"finish": 0.0, "from_batch": 0.0}


def timed(name, fn):
    def wrapper(*args, **kwargs):
        t = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - t
    return wrapper


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "scenarios/dianjun-baseline.yaml"
    record.MonthlyRecord.finish = timed("finish", record.MonthlyRecord.finish)
    run_result.RunResult.from_batch = classmethod(
        timed("from_batch", run_result.RunResult.from_batch.__func__))
    c = compile_scenario(sim.load_scenario(path))
    # warm-up at the timed size: kernels compiled or loaded (run_ensemble loads them only
    # for ensembles of KERNEL_BYTES and more, so a small warm-up would not)
    run_ensemble(c, 10000, seed=1, keep_replications=False)
    spent.update(finish=0.0, from_batch=0.0)
    t = time.process_time()
    run_ensemble(c, 10000, seed=1, keep_replications=False)
    total = time.process_time() - t
    print(f"{jit.describe()}: ensemble {total:.3f} s CPU; finish {spent['finish']:.3f} s, "
          f"from_batch {spent['from_batch']:.3f} s, after the run "
          f"{spent['finish'] + spent['from_batch']:.3f} s")


if __name__ == "__main__":
    main()
