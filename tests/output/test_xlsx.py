"""results.xlsx is byte-identical across reruns, as the CSVs and JSON are."""

from __future__ import annotations

import time
import zipfile

import pandas as pd


def test_the_workbook_is_the_same_bytes_for_the_same_numbers(tmp_path, monkeypatch):
    from simulator.output.run_dir import write_xlsx

    tables = {"monthly": pd.DataFrame({"month": ["2024-01"], "mean": [1.5]})}
    write_xlsx(tables, tmp_path / "a.xlsx")
    time.sleep(1.1)  # openpyxl stamps the time it saves at, to the second
    write_xlsx(tables, tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        core = z.read("docProps/core.xml").decode()
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    assert "2000-01-01T00:00:00Z" in core
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    write_xlsx(tables, tmp_path / "c.xlsx")
    with zipfile.ZipFile(tmp_path / "c.xlsx") as z:
        assert "2023-11-14T22:13:20Z" in z.read("docProps/core.xml").decode()
    import openpyxl

    assert openpyxl.load_workbook(tmp_path / "c.xlsx")["monthly"]["B2"].value == 1.5
