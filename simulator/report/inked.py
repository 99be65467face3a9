"""Where a drawing call puts ink, as a box in the drawing's units, cheaply (see `tee`).

These are the boxes a chart's PNG is cut along: the union of what its drawing calls cover,
each clipped to its clip rectangle. They are bounds, not exact outlines: a curve's box holds
its control points, a stroke's box is that of its centre line (the PNG keeps a margin around
the chart), a text's box is the box matplotlib lays it out in (width, height and descent).
Asking matplotlib for a chart's tight box instead measures every tick label and title again,
which costs as much as drawing the chart's pixels.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.path import Path
from matplotlib.transforms import Affine2D, Bbox

_IGNORED = (Path.STOP, Path.CLOSEPOLY)  # codes whose vertices are not drawn


def points(xy: np.ndarray) -> Bbox | None:
    """The box of the finite points `xy` (n x 2), or None if there are none."""
    xy = np.asarray(xy, float).reshape(-1, 2)
    xy = xy[np.isfinite(xy).all(axis=1)]
    if not len(xy):
        return None
    return Bbox([xy.min(axis=0), xy.max(axis=0)])


def path(p: Path, transform) -> Bbox | None:
    """The box of path `p` under `transform` (vertices and control points)."""
    verts = p.vertices
    if p.codes is not None and len(verts):
        verts = verts[~np.isin(p.codes, _IGNORED)]
    if not len(verts):
        return None
    return points(transform.transform(verts))


def shifted(box: Bbox | None, xy: np.ndarray) -> Bbox | None:
    """`box` placed at each of the points `xy` (n x 2), all together."""
    at = points(xy)
    if box is None or at is None:
        return None
    return Bbox(at.get_points() + box.get_points())


def collection(master, paths, all_transforms, offsets, offset_trans) -> Bbox | None:
    """The box of a path collection: each path under its own transform (cycled) and the
    master transform, placed at each offset (under `offset_trans`) if there are offsets."""
    boxes = []
    for i, p in enumerate(paths):
        trans = master
        if len(all_transforms):
            trans = Affine2D(all_transforms[i % len(all_transforms)]) + master
        boxes.append(path(p, trans))
    box = union(boxes)
    offsets = np.asarray(offsets, float).reshape(-1, 2)
    if len(offsets) and box is not None:
        box = shifted(box, offset_trans.transform(offsets))
    return box


def text(x: float, y: float, width: float, height: float, descent: float,
         angle: float) -> Bbox:
    """The box of a text laid out `width` x `height` (`descent` below its baseline), its
    baseline starting at (x, y) and turned `angle` degrees about that point."""
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    corners = [(0.0, -descent), (width, -descent), (width, height - descent),
               (0.0, height - descent)]
    xs = [x + u * cos - v * sin for u, v in corners]
    ys = [y + u * sin + v * cos for u, v in corners]
    return Bbox([[min(xs), min(ys)], [max(xs), max(ys)]])


def clipped(box: Bbox | None, cliprect: Bbox | None) -> Bbox | None:
    """`box` within `cliprect` (if any); None if nothing of it is left."""
    if box is None or cliprect is None:
        return box
    return Bbox.intersection(box, cliprect)


def union(boxes) -> Bbox | None:
    boxes = [b for b in boxes if b is not None]
    return Bbox.union(boxes) if boxes else None
