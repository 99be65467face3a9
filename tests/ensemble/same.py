"""assert_same_summary: two ensemble summaries hold the same numbers, to the bit."""

from __future__ import annotations

from numpy.testing import assert_array_equal


def assert_same_summary(a, b) -> None:
    """Histograms, exact sums (their totals: the windows may carry differently), counts and
    fixed-point sums are identical."""
    assert a.n == b.n
    assert a.blocks.keys() == b.blocks.keys()
    for name, x in a.blocks.items():
        y = b.blocks[name]
        for field in ("series", "count", "lo", "hi"):
            assert_array_equal(getattr(x.hist, field), getattr(y.hist, field),
                               err_msg=f"{name}.{field}")
        assert (x.sums is None) == (y.sums is None), name
        if x.sums is not None:
            assert_array_equal(x.sums.totals(), y.sums.totals(), err_msg=f"{name} sums")
    for kind in ("counts", "fixed"):
        da, db = getattr(a, kind), getattr(b, kind)
        assert da.keys() == db.keys()
        for name in da:
            assert_array_equal(da[name], db[name], err_msg=f"{kind}.{name}")
