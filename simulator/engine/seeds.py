"""The first 64-bit draw of many replications' Generators at once, without building them.

`replication_generator(seed, r)` is `default_rng(SeedSequence(seed, spawn_key=(r,)))`: a PCG64
seeded from the SeedSequence's state. Building one Generator per replication costs tens of
microseconds; this module follows the same steps (numpy's SeedSequence hash mixing, vectorised
over replications in uint32 arithmetic; PCG64's seeding and first step in 128-bit integers) and
gives the same numbers (tests check them against numpy for many seeds and replications).
"""

from __future__ import annotations

import numpy as np

_M32 = 0xFFFFFFFF
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_POOL = 4  # SeedSequence's default pool size [uint32 words]
_PCG_MULT = 0x2360ED051FC65DA44385DF649FCCF645  # PCG64's 128-bit multiplier
_M128 = (1 << 128) - 1
_U = np.uint32


def _words(x: int) -> list[int]:
    """An int as little-endian uint32 words (numpy's coercion of entropy)."""
    out = [x & _M32]
    while x > _M32:
        x >>= 32
        out.append(x & _M32)
    return out


def pools(seed: int, reps: list[int]) -> list[np.ndarray]:
    """SeedSequence(seed, spawn_key=(r,)).pool for every r < 2^32: 4 arrays of uint32."""
    run = _words(seed)
    run += [0] * (_POOL - len(run))
    entropy = [np.full(len(reps), w, dtype=_U) for w in run] + [np.asarray(reps, dtype=_U)]
    h = [_INIT_A]

    def hashmix(v):
        v = v ^ _U(h[0])
        h[0] = (h[0] * _MULT_A) & _M32
        v = v * _U(h[0])
        return v ^ (v >> _U(16))

    def mix(x, y):
        r = _U(_MIX_L) * x - _U(_MIX_R) * y
        return r ^ (r >> _U(16))

    with np.errstate(over="ignore"):
        mixer = [hashmix(entropy[i]) for i in range(_POOL)]
        for src in range(_POOL):
            for dst in range(_POOL):
                if src != dst:
                    mixer[dst] = mix(mixer[dst], hashmix(mixer[src]))
        for src in range(_POOL, len(entropy)):
            for dst in range(_POOL):
                mixer[dst] = mix(mixer[dst], hashmix(entropy[src]))
    return mixer


def states(pool: list[np.ndarray]) -> np.ndarray:
    """SeedSequence.generate_state(4, np.uint64) of each pool (R, 4) uint64."""
    h = _INIT_B
    out = []
    with np.errstate(over="ignore"):
        for i in range(2 * _POOL):
            v = pool[i % _POOL] ^ _U(h)
            h = (h * _MULT_B) & _M32
            v = v * _U(h)
            out.append(v ^ (v >> _U(16)))
    w = np.stack(out, axis=1).astype(np.uint64)  # (R, 8) words, little-endian pairs
    return w[:, 0::2] | (w[:, 1::2] << np.uint64(32))


def _first_draw(s: tuple[int, int, int, int]) -> int:
    """PCG64 seeded with generate_state's words (state, increment), then one 64-bit draw."""
    init = (s[0] << 64) | s[1]
    inc = ((((s[2] << 64) | s[3]) << 1) | 1) & _M128
    state = inc  # state 0, one step
    state = (state + init) & _M128
    state = (state * _PCG_MULT + inc) & _M128  # the seeding's second step
    state = (state * _PCG_MULT + inc) & _M128  # the draw's step
    rot = state >> 122
    x = ((state >> 64) ^ state) & 0xFFFFFFFFFFFFFFFF
    return ((x >> rot) | (x << (64 - rot))) & 0xFFFFFFFFFFFFFFFF


def first_draws(seed: int, reps: list[int]) -> np.ndarray:
    """`default_rng(SeedSequence(seed, spawn_key=(r,))).integers(0, 2**64, dtype=np.uint64)`
    for every r (seed >= 0, 0 <= r < 2^32) (R,) uint64."""
    if not reps:
        return np.zeros(0, dtype=np.uint64)
    st = states(pools(seed, reps)).tolist()
    return np.array([_first_draw(tuple(row)) for row in st], dtype=np.uint64)
