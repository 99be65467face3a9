"""compare for what-ifs: members matched by file, not name; many scenarios lay out; types and
horizons that differ compare."""

from __future__ import annotations

import pytest

from tests.helpers import EXAMPLE_YAML


@pytest.fixture
def files(write):
    base = write("baseline.yaml", EXAMPLE_YAML)
    same_name = write("target.yaml", """\
        extends: baseline.yaml
        targets:
          - {type: hpc, capacity: 10P, by: 2025-12}
        """)
    longer = write("longer.yaml", """\
        extends: baseline.yaml
        name: longer
        end: 2028-12
        """)
    return [base, same_name, longer]


def _comparison(files, n=2):
    import simulator as sim
    from simulator.analysis.compare import run_comparison

    return run_comparison([sim.load_scenario(f) for f in files], [str(f) for f in files], n, 1)


def test_a_what_if_keeping_its_base_name_shows_its_own_target(files):
    from simulator.report.compare.document import _target_rows
    from simulator.report.data import Results
    from simulator.report.i18n.text import Text

    comp = _comparison(files)
    assert comp.members[0].scenario.name == comp.members[1].scenario.name
    from simulator.analysis.compare import comparison_table

    results = [Results.from_ensemble(m.ensemble, "en") for m in comp.members]
    rows = _target_rows(comp, results, comparison_table(comp), Text("en"))
    b = [r for r in rows if r[1] == "B"]
    assert [r[0].split(" ")[0] for r in b] == ["10P"]  # B's own target, not A's 1,000P
    assert b[0][2] == "100 %"


@pytest.mark.slow
@pytest.mark.parametrize("n", [9, 20])
def test_many_scenarios_lay_out(files, tmp_path, n):
    from pypdf import PdfReader

    from simulator.report import write_comparison_pdf

    comp = _comparison([files[0]] * n, 2)
    pdf = write_comparison_pdf(comp, tmp_path / "c.pdf", "en")
    pages = [p.extract_text().replace("\n", " ") for p in PdfReader(pdf).pages]
    assert f"{n} scenarios side by side" in pages[0]
    letters = "ABCDEFGHIJKLMNOPQRST"[:n]
    assert all("scenarios/baseline.yaml" in pages[0] or "baseline.yaml" in pages[0]
               for _ in letters)


@pytest.mark.slow
def test_different_horizons_are_said_on_the_cover(files, tmp_path):
    from pypdf import PdfReader

    from simulator.report import write_comparison_pdf

    pdf = write_comparison_pdf(_comparison(files), tmp_path / "c.pdf", "en")
    cover = PdfReader(pdf).pages[0].extract_text().replace("\n", " ")
    assert "A 2023-01–2027-12, B 2023-01–2027-12, C 2023-01–2028-12" in cover


def test_kpis_compare_over_the_months_all_scenarios_share(files):
    """C is A with a year more: over the shared months it is A (common random numbers), so its
    KPI differences are ~0, while its own full-horizon totals are larger."""
    from simulator.analysis.common_months import shared_window
    from simulator.analysis.compare import comparison_table

    comp = _comparison([files[0], files[2]], n=20)
    assert shared_window([m.scenario for m in comp.members]) == (
        comp.members[0].scenario.start, comp.members[0].scenario.end)
    table = comparison_table(comp).set_index(["label", "kind", "name", "type"])
    for name in ("idle_p_months", "unmet_p_months", "electricity_cost_mcny"):
        typ = "all"
        row = table.loc[("B", "kpi", name, typ)]
        assert abs(row["diff_mean"]) <= 1e-6 * max(1.0, abs(row["mean"])), name
    full_a = comp.members[0].ensemble.reduced.kpis["idle_p_months"].sum(axis=1).mean()
    full_b = comp.members[1].ensemble.reduced.kpis["idle_p_months"].sum(axis=1).mean()
    assert full_b > full_a  # the extra year is idle capacity the table leaves out
    assert table.loc[("B", "kpi", "idle_p_months", "all"), "mean"] == pytest.approx(
        table.loc[("A", "kpi", "idle_p_months", "all"), "mean"], rel=1e-6)
