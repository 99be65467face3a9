"""`capsim hardware`: the catalogue with its sources; a scenario's entries merged in."""

from __future__ import annotations

import json

from tests.cli.test_cli_run import capsim


def test_hardware_lists_the_catalogue_with_sources():
    out = capsim("hardware")
    assert out.returncode == 0, out.stderr
    for key in ("a800-sxm", "h800-sxm", "h20", "ascend-910b", "hygon-dcu-z100", "kunlun-k200",
                "cpu-2x-xeon-8358"):
        assert key in out.stdout
    assert "Sources" in out.stdout and "DGX A100 datasheet" in out.stdout
    assert "unknown" in out.stdout


def test_hardware_json_merges_a_scenario_s_entries(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("""name: s
start: 2024-01
end: 2024-12
compute_types: {ai: {label: AI, precision: FP16}}
facilities:
  - {id: f, name: F, phases: [{hardware: {h20: 10, mine: 2}, type: ai, online: 2024-01}]}
hardware:
  h20: {capex_cny: 120000, sources: {capex_cny: our tender}}
  mine: {name: Mine, tflops: {fp16: 100}, sources: {tflops: spec sheet}}
""", encoding="utf-8")
    out = capsim("hardware", f, "--json")
    assert out.returncode == 0, out.stderr
    cat = json.loads(out.stdout)
    assert cat["h20"]["capex_cny"] == 120000 and cat["h20"]["tflops"]["fp16"] == 148
    assert cat["h20"]["sources"]["capex_cny"] == "our tender" and cat["h20"]["sources"]["tflops"]
    assert cat["mine"]["tflops"]["fp16"] == 100


def test_hardware_with_a_bad_scenario_exits_2(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("name: x\n", encoding="utf-8")
    out = capsim("hardware", f)
    assert out.returncode == 2 and "Traceback" not in out.stderr
