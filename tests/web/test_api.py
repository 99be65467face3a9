"""The workbench's JSON API: the library's numbers, the CLI's messages, confined paths, tokens."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

import simulator as sim
from simulator.web.app import create_app
from simulator.web.live import Runner, Superseded

SCENARIOS = Path(__file__).parents[2] / "scenarios"
LOCAL = "http://127.0.0.1:8765"


@pytest.fixture
def ws(tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    for f in SCENARIOS.glob("*.yaml"):
        shutil.copy(f, root / f.name)
    return root


@pytest.fixture
def client(ws):
    return TestClient(create_app(ws), base_url=LOCAL)


def _text(ws, name="dianjun-baseline.yaml"):
    return (ws / name).read_text(encoding="utf-8")


def test_the_answer_is_the_library_ensemble(client, ws):
    r = client.post("/api/run", json={"path": "dianjun-p2-slips.yaml",
                                      "text": _text(ws, "dianjun-p2-slips.yaml"),
                                      "replications": 60, "seed": 3}).json()
    assert r["ok"] and r["problems"] == []
    ens = sim.run_ensemble(sim.load_scenario(ws / "dianjun-p2-slips.yaml"), 60, 3)
    want = ens.targets.to_dict("records")
    got = r["answer"]["targets"]
    assert [g["probability_met"] for g in got] == [w["probability_met"] for w in want]
    assert [g["capacity_p50"] for g in got] == pytest.approx([w["capacity_p50"] for w in want])
    assert r["answer"]["hash"] == ens.hash
    hpc = r["answer"]["series"]["hpc"]["capacity_p"]
    assert len(hpc["p50"]) == len(r["answer"]["months"]) == 60


def test_problems_are_the_lines_capsim_validate_prints(client, ws):
    bad = _text(ws).replace("policy: priority", "policy: prioritty")
    (ws / "bad.yaml").write_text(bad, encoding="utf-8")
    cli = subprocess.run([sys.executable, "-m", "simulator", "validate", "bad.yaml"], cwd=ws,
                         capture_output=True, text=True)
    r = client.post("/api/run", json={"path": "bad.yaml", "text": bad}).json()
    assert not r["ok"] and "answer" not in r
    assert [p["text"] for p in r["problems"]] == cli.stderr.strip().splitlines()
    [p] = r["problems"]
    assert (p["line"], p["column"], p["path"]) == (_policy_line(ws), 11, "scheduling.policy")


def test_a_problem_in_the_extended_file_names_that_file(client, ws):
    (ws / "base.yaml").write_text(_text(ws).replace("policy: priority", "policy: x"))
    r = client.post("/api/run", json={"path": "w.yaml", "text": "extends: base.yaml\nname: w\n"})
    assert r.status_code == 400  # w.yaml does not exist yet: the editor only opens files
    (ws / "w.yaml").write_text("extends: base.yaml\nname: w\n")
    [p] = client.post("/api/run", json={"path": "w.yaml",
                                        "text": "extends: base.yaml\nname: w\n"}).json()["problems"]
    assert p["text"].startswith(f"base.yaml:{_policy_line(ws)}:11: scheduling.policy:")
    assert p["line"] is None


def test_form_edits_come_back_in_the_text_and_change_the_answer(client, ws):
    text = _text(ws)
    r = client.post("/api/run", json={"path": "dianjun-baseline.yaml", "text": text,
                                      "replications": 40,
                                      "edits": {"facilities.nacic.phases.p2.start": "2023-09"}})
    r = r.json()
    assert "start: 2023-09" in r["text"] and r["text"].count("\n") == text.count("\n")
    p2 = [p for p in r["answer"]["phases"] if p["phase"] == "p2"][0]
    assert p2["start_p50"] == "2023-09"  # p1 is online 2023-09: nothing holds it back
    assert {f["path"] for f in r["fields"]} >= {"facilities.nacic.phases.p2.start",
                                                "tenants.ctrip.probability", "scheduling.policy",
                                                "events.export-controls.probability"}


@pytest.mark.parametrize("path", ["../x.yaml", "/etc/hosts", "dianjun-baseline.txt"])
def test_paths_outside_are_refused(client, path):
    assert client.get("/api/file", params={"path": path}).status_code == 400
    assert client.post("/api/run", json={"path": path, "text": "name: x"}).status_code == 400


def test_save_as_whatif_writes_only_the_change_and_never_overwrites(client, ws):
    edited = _text(ws).replace("probability: 0.5                                      # assumption\n"
                               "    sign: {earliest: 2024-01, latest: 2024-12}            # assumption (docs",
                               "probability: 0.9                                      # assumption\n"
                               "    sign: {earliest: 2024-01, latest: 2024-12}            # assumption (docs")
    body = {"path": "dianjun-baseline.yaml", "text": edited, "target": "ctrip.yaml",
            "name": "Ctrip likely"}
    r = client.post("/api/save", json=body).json()
    assert r["ok"], r
    saved = (ws / "ctrip.yaml").read_text(encoding="utf-8")
    assert "extends: dianjun-baseline.yaml" in saved and "- {id: ctrip, probability: 0.9}" in saved
    s = sim.load_scenario(ws / "ctrip.yaml")
    assert [t.probability for t in s.tenants if t.id == "ctrip"] == [0.9]
    assert client.post("/api/save", json=body).status_code == 400  # exists: not overwritten


def test_xlsx_download_is_what_write_run_writes(client, ws):
    from openpyxl import load_workbook

    r = client.post("/api/download/results.xlsx", json={
        "path": "dianjun-baseline.yaml", "text": _text(ws), "replications": 20})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content), read_only=True)
    assert {"monthly", "kpis", "targets"} <= set(wb.sheetnames)


def test_a_token_is_required_when_one_is_set(ws):
    c = TestClient(create_app(ws, token="s3cret"), base_url=LOCAL)
    assert c.get("/api/files").status_code == 403
    assert c.get("/?token=wrong").status_code == 403
    assert c.get("/?token=s3cret").status_code == 200
    assert c.get("/api/files").status_code == 200  # the cookie set by the first visit


def test_a_newer_edit_supersedes_a_running_one():
    runner = Runner()
    s = sim.load_scenario(SCENARIOS / "dianjun-baseline.yaml")
    old = runner.ticket("live")
    runner.ticket("live")  # a newer edit arrives
    with pytest.raises(Superseded):
        runner.ensemble(s, 300, 1, "live", old)
    assert runner.ensemble(s, 30, 1, "live", runner.ticket("live")).replications == 30


def test_loopback_detection():
    from simulator.cli.serve import is_loopback

    assert all(map(is_loopback, ["127.0.0.1", "localhost", "::1", "127.3.4.5", "[::1]"]))
    assert not any(map(is_loopback, ["0.0.0.0", "192.168.1.4", "example.org", "::"]))


def test_serve_refuses_a_missing_folder_and_a_port_in_use(tmp_path):
    import socket

    run = [sys.executable, "-m", "simulator", "serve"]
    r = subprocess.run(run + [str(tmp_path / "nope")], capture_output=True, text=True)
    assert r.returncode == 2 and "not a folder" in r.stderr and "Traceback" not in r.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = subprocess.run(run + [str(tmp_path), "--port", str(port)], capture_output=True,
                           text=True, timeout=60)
    assert r.returncode == 2 and "cannot listen on 127.0.0.1" in r.stderr
    assert r.stdout == ""  # no address printed that does not answer


def test_without_a_token_only_loopback_names_are_served(ws):
    c = TestClient(create_app(ws), base_url=LOCAL)
    assert c.get("/api/files", headers={"host": "127.0.0.1:8765"}).status_code == 200
    assert c.get("/api/files", headers={"host": "localhost:8765"}).status_code == 200
    assert c.get("/api/files", headers={"host": "[::1]:8765"}).status_code == 200
    assert c.get("/api/files", headers={"host": "evil.example:8765"}).status_code == 403


def test_fields_written_in_the_text_say_where_their_value_stands(client, ws):
    text = _text(ws)
    r = client.post("/api/run", json={"path": "dianjun-baseline.yaml", "text": text,
                                      "replications": 10}).json()
    lines = text.splitlines()
    placed = {f["path"]: lines[f["at"]["line"] - 1][f["at"]["start"]:f["at"]["end"]]
              for f in r["fields"] if "at" in f}
    assert placed["facilities.nacic.phases.p2.start"] == "2024-03"
    assert placed["tenants.ctrip.sign.latest"] == "2024-12"  # inside a flow mapping
    assert placed["tenants.nacic-users.growth"] == "15%"
    assert placed["scheduling.policy"] == "priority"
    assert "tenants.ctrip.growth" not in placed  # not written: the server adds it
    slips = client.post("/api/run", json={"path": "dianjun-p2-slips.yaml", "replications": 10,
                                          "text": _text(ws, "dianjun-p2-slips.yaml")}).json()
    assert [f["path"] for f in slips["fields"] if "at" in f] == [
        "facilities.nacic.phases.p2.start"]  # the rest is inherited from the baseline


@pytest.mark.slow  # draws the PDF report
def test_run_zip_holds_what_capsim_run_writes(client, ws, tmp_path):
    import zipfile

    r = client.post("/api/download/run.zip", json={
        "path": "dianjun-p2-slips.yaml", "text": _text(ws, "dianjun-p2-slips.yaml"),
        "replications": 40, "seed": 5})
    assert r.status_code == 200
    z = zipfile.ZipFile(io.BytesIO(r.content))
    names = set(z.namelist())
    assert {"dianjun-p2-slips/summary.json", "dianjun-p2-slips/report.pdf",
            "dianjun-p2-slips/results.xlsx", "dianjun-p2-slips/scenario.resolved.yaml"} <= names
    out = tmp_path / "cli"
    subprocess.run([sys.executable, "-m", "simulator", "run", "dianjun-p2-slips.yaml", "-n", "40",
                    "--seed", "5", "--no-report", "--out", str(out), "-q"], cwd=ws, check=True,
                   capture_output=True)
    for name in ("monthly.csv", "kpis.csv", "targets.csv", "scenario.resolved.yaml"):
        assert z.read(f"dianjun-p2-slips/{name}") == (out / name).read_bytes(), name


def _policy_line(ws) -> int:
    """The line of `policy:` in the shipped baseline (1-based)."""
    return next(i for i, line in enumerate(_text(ws).splitlines(), 1)
                if line.strip().startswith("policy:"))
