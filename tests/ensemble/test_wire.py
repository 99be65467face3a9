"""What a worker sends back: packed compactly, unpacked to the same bits, dtypes and shapes."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from simulator.ensemble import wire
from simulator.ensemble.stats import Histograms


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return (a.dtype == b.dtype and a.shape == b.shape
            and a.tobytes() == b.tobytes())


def test_arrays_of_every_kind_come_back_bit_for_bit_and_writable():
    rng = np.random.default_rng(4)
    arrays = {
        "float64": rng.normal(size=(37, 3)),
        "specials": np.array([-0.0, 0.0, np.inf, -np.inf, np.nan, 5e-324, 1e308]),
        "float32": rng.random(11, dtype=np.float32),
        "int64": rng.integers(-2 ** 62, 2 ** 62, size=13),
        "uint16": np.arange(9, dtype=np.uint16),
        "bool": rng.random(10) > 0.5,
        "empty": np.zeros((0, 4)),
        "strided": np.arange(40.0)[::3],  # not contiguous: pickled in band
        "fortran": np.asfortranarray(rng.normal(size=(5, 4))),
    }
    back = wire.unpack(wire.pack((7, arrays, "text")))
    assert back[0] == 7 and back[2] == "text"
    for name, a in arrays.items():
        b = back[1][name]
        assert same_bits(np.ascontiguousarray(a), np.ascontiguousarray(b)), name
        assert b.flags.writeable, name
        b[...] = 0  # the buffers are the array's own


def _histograms(values: np.ndarray) -> Histograms:
    return Histograms.of(values)


@pytest.mark.parametrize("kind", ["float32 values", "float64 values", "counts", "with inf"])
def test_histograms_round_trip_compact_and_exact(kind):
    rng = np.random.default_rng(11)
    values = {
        "float32 values": rng.random((50, 300), dtype=np.float32).astype(np.float64),
        "float64 values": rng.normal(size=(50, 300)),
        "counts": rng.integers(0, 4, size=(50, 300)).astype(np.float64),
        "with inf": np.where(rng.random((50, 300)) < 0.3, np.inf, rng.normal(size=(50, 300))),
    }[kind]
    h = _histograms(values)
    state = wire.histogram_state(h)
    back = Histograms(**wire.histogram_fields(state))
    assert back.size == h.size and back.bits == h.bits
    for field in ("series", "count", "lo", "hi"):
        assert same_bits(getattr(h, field), getattr(back, field)), field
    # compact: entries per series, not a series number per entry; counts in one byte here
    assert state["per"].size == h.size and state["count"].dtype == np.uint8
    if kind in ("float32 values", "counts"):
        assert state["lo"].dtype == np.float32  # exact in float32: sent as float32
    if kind == "float64 values":
        assert state["lo"].dtype == np.float64


def test_a_histogram_survives_pickling_whole():
    h = _histograms(np.random.default_rng(2).normal(size=(20, 100)))
    back = pickle.loads(pickle.dumps(h))
    for field in ("series", "count", "lo", "hi"):
        assert same_bits(getattr(h, field), getattr(back, field)), field


def test_an_empty_histogram_round_trips():
    h = Histograms.of(np.zeros((3, 0)))
    back = pickle.loads(pickle.dumps(h))
    assert back.size == 3 and back.series.size == 0 and back.lo.dtype == np.float64
