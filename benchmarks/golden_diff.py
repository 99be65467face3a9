"""Compare two run directories table by table and column by column: which columns are
identical, and for those that differ the largest absolute and relative change (quantile
columns may move within the histogram bound; means, probabilities and counts must not).

    python benchmarks/golden_diff.py BEFORE_DIR AFTER_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

QUANTILE = ("p10", "p50", "p90")


def flat(x, prefix=""):
    """summary.json as {path: value}."""
    if isinstance(x, dict):
        out = {}
        for k, v in x.items():
            out.update(flat(v, f"{prefix}.{k}" if prefix else k))
        return out
    if isinstance(x, list):
        out = {}
        for i, v in enumerate(x):
            out.update(flat(v, f"{prefix}[{i}]"))
        return out
    return {prefix: x}


def compare_csv(a: Path, b: Path) -> list[str]:
    da, db = pd.read_csv(a), pd.read_csv(b)
    if list(da.columns) != list(db.columns) or len(da) != len(db):
        return [f"{a.name}: shape/columns differ {da.shape} vs {db.shape}"]
    out = []
    for col in da.columns:
        x, y = da[col], db[col]
        if x.equals(y):
            continue
        if not (pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y)):
            cells = int((x.astype(str) != y.astype(str)).sum())
            out.append(f"{a.name}:{col}: {cells} text cells differ")
            continue
        xv, yv = x.to_numpy(float), y.to_numpy(float)
        same = (xv == yv) | (np.isnan(xv) & np.isnan(yv))
        d = np.abs(xv - yv)[~same]
        rel = (d / np.maximum(np.abs(xv[~same]), 1e-300))
        out.append(f"{a.name}:{col}: {int((~same).sum())} of {len(x)} cells differ, largest "
                   f"abs {d.max():.3g}, largest rel {rel.max():.3g}")
    return out


def compare_json(a: Path, b: Path) -> list[str]:
    fa, fb = flat(json.loads(a.read_text())), flat(json.loads(b.read_text()))
    out, worst = [], {}
    for k in sorted(set(fa) | set(fb)):
        if k in ("version",):
            continue
        x, y = fa.get(k, "<missing>"), fb.get(k, "<missing>")
        if x == y:
            continue
        leaf = k.rsplit(".", 1)[-1].split("[")[0]
        if isinstance(x, (int, float)) and isinstance(y, (int, float)):
            rel = abs(x - y) / max(abs(x), 1e-300)
            worst[leaf] = max(worst.get(leaf, (0, 0, "")), (rel, abs(x - y), k))
        else:
            out.append(f"summary.json:{k}: {x!r} -> {y!r}")
    for leaf, (rel, d, k) in sorted(worst.items()):
        out.append(f"summary.json:*.{leaf}: largest rel {rel:.3g} (abs {d:.3g}) at {k}")
    return out


def main(before: str, after: str) -> int:
    a, b = Path(before), Path(after)
    lines = []
    for f in sorted(a.glob("*.csv")):
        if (b / f.name).exists():
            lines += compare_csv(f, b / f.name) or [f"{f.name}: identical"]
    if (a / "summary.json").exists():
        lines += compare_json(a / "summary.json", b / "summary.json") or ["summary.json: identical"]
    print("\n".join(lines))
    bad = [x for x in lines if ":" in x and "differ" in x
           and not any(f":{q}" in x or f"_{q}" in x for q in QUANTILE)]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
