"""How a summary travels from a worker back to the process that merges it: small and cheap.

`pack` pickles an object with its arrays out of band (pickle protocol 5), lays each array's
bytes out by significance (byte k of every item together: the sign, exponent and high mantissa
bytes of floats, and the high bytes of small integers, are then long runs that zlib's fastest
level compresses well) and compresses the whole once. `unpack` gives back the same arrays, bit
for bit and writable. For 2,500 baseline replications this is 385 kB, packed in 11 ms and
unpacked in 4.5 ms, where the plain pickle compressed was 587 kB in 15 ms and 5 ms: time the
worker and the merging process spend beside the simulation, out of an executor's speed-up.
"""

from __future__ import annotations

import pickle
import zlib

import numpy as np

LEVEL = 1  # zlib's fastest
_HEAD = 8  # bytes of the header's length


def _by_significance(view: memoryview) -> bytes:
    width = view.itemsize
    if not view.nbytes:
        return b""
    raw = np.frombuffer(view.cast("B"), dtype=np.uint8)
    if width == 1 or raw.size % width:
        return raw.tobytes()
    return raw.reshape(-1, width).T.tobytes()


def _by_item(data: memoryview, width: int) -> bytearray:
    raw = np.frombuffer(data, dtype=np.uint8)
    if width == 1 or raw.size % width:
        return bytearray(raw)
    return bytearray(raw.reshape(width, -1).T.tobytes())


def pack(obj) -> bytes:
    """obj pickled, its contiguous arrays laid out by significance, compressed."""
    buffers: list[pickle.PickleBuffer] = []
    head = pickle.dumps(obj, protocol=5, buffer_callback=buffers.append)
    views = [memoryview(b) for b in buffers]
    meta = pickle.dumps((head, [(v.itemsize, v.nbytes) for v in views]), protocol=5)
    body = b"".join([len(meta).to_bytes(_HEAD, "little"), meta]
                    + [_by_significance(v) for v in views])
    return zlib.compress(body, LEVEL)


def unpack(blob: bytes):
    """What `pack` packed (its arrays writable, as after a plain pickle)."""
    data = memoryview(zlib.decompress(blob))
    size = int.from_bytes(data[:_HEAD], "little")
    head, layout = pickle.loads(data[_HEAD:_HEAD + size])
    at, buffers = _HEAD + size, []
    for width, nbytes in layout:
        buffers.append(_by_item(data[at:at + nbytes], width))
        at += nbytes
    return pickle.loads(head, buffers=buffers)


def _narrow(a: np.ndarray) -> np.ndarray:
    """Non-negative integers in the smallest unsigned type that holds them."""
    top = int(a.max()) if a.size else 0
    for kind in (np.uint8, np.uint16, np.uint32):
        if top <= np.iinfo(kind).max:
            return a.astype(kind)
    return a


def _exact32(a: np.ndarray) -> np.ndarray:
    """float64 values as float32 where every one of them comes back bit for bit, else as they
    are (the values of float32 series, counts and months do)."""
    small = a.astype(np.float32)
    if np.array_equal(small.astype(np.float64).view(np.int64), a.view(np.int64)):
        return small
    return a


def histogram_state(h) -> dict:
    """A Histograms' fields, compact: entries per series for `series` (they are sorted by
    series), counts in the smallest type, lo and hi as float32 where exact, hi only where it
    differs from lo."""
    differ = h.hi != h.lo
    return {"size": h.size, "bits": h.bits, "types": (h.series.dtype.str, h.count.dtype.str),
            "per": _narrow(np.bincount(h.series, minlength=h.size)),
            "count": _narrow(h.count), "lo": _exact32(h.lo),
            "differ": np.packbits(differ), "hi": _exact32(h.hi[differ])}


def histogram_fields(state: dict) -> dict:
    """The fields `histogram_state` made compact, as they were."""
    series_type, count_type = state["types"]
    lo = state["lo"].astype(np.float64)
    hi = lo.copy()
    hi[np.unpackbits(state["differ"], count=lo.size).astype(bool)] = state["hi"]
    series = np.repeat(np.arange(state["size"], dtype=series_type), state["per"])
    return {"size": state["size"], "bits": state["bits"], "series": series,
            "count": state["count"].astype(count_type), "lo": lo, "hi": hi}
