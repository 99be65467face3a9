"""Write an opaque RGBA raster as an RGB PNG file, fast: one filter for every row, zlib at its fastest level.

Pillow's PNG writer tries all five PNG row filters on every row and keeps the best, which
costs about three times the compression itself for the charts of a report; a chart's rows are
mostly the same as the row above them (white ground, vertical grid lines, axes), so the "Up"
filter alone (the row minus the row above, done by numpy at once) compresses as well (the
files are about the size Pillow's level 1 gives). The file says its resolution (pHYs), so a
slide or word processor places it at its size on the page rather than at 96 dpi.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

SIGNATURE = b"\x89PNG\r\n\x1a\n"
UP = 2  # PNG filter type "Up": each byte minus the byte above it
LEVEL = 1  # zlib level: fastest; a chart's filtered rows are mostly zeros


def encode(rgba: np.ndarray, dpi: float) -> bytes:
    """The PNG file (8-bit RGB) of `rgba` (height x width x 4, uint8, opaque: the alpha is
    dropped), `dpi` [dots per inch] recorded.

    The rows are filtered on the RGBA pixels (4 bytes each: numpy subtracts them at memory
    speed) and only then packed to 3 bytes (by Pillow), which is several times faster than
    picking 3-byte pixels out of a 4-byte raster with numpy."""
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError(f"an RGBA uint8 raster is needed, not {rgba.dtype} {rgba.shape}")
    height, width, _ = rgba.shape
    if not (height and width):
        raise ValueError(f"an empty raster ({width} x {height} px) makes no PNG")
    up = np.empty_like(rgba)
    up[0] = rgba[0]
    np.subtract(rgba[1:], rgba[:-1], out=up[1:])  # uint8 arithmetic wraps: mod 256
    packed = Image.frombuffer("RGBA", (width, height), up, "raw", "RGBA", 0, 1).convert("RGB")
    rows = np.empty((height, width * 3 + 1), np.uint8)
    rows[:, 0] = UP
    rows[:, 1:] = np.frombuffer(packed.tobytes(), np.uint8).reshape(height, width * 3)
    per_metre = round(dpi / 0.0254)
    return b"".join([
        SIGNATURE,
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),  # 8-bit RGB
        _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),  # 1: per metre
        _chunk(b"IDAT", zlib.compress(rows.tobytes(), LEVEL)),
        _chunk(b"IEND", b""),
    ])


def write(path: Path, rgba: np.ndarray, dpi: float) -> None:
    """Write `rgba` to `path` as an RGB PNG (see `encode`)."""
    Path(path).write_bytes(encode(rgba, dpi))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
