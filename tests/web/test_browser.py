"""The workbench in a real browser: headless Chromium through the planner's flows of issue 18.

Open the baseline; make a typo and see the error at its line; fix it; move phase 2's start and
see P(met) change; pin two variants and compare; save as what-if and find the file with only the
change; screenshots in Chinese and English; and download the PDF and check it opens. Both are
marked slow (make test, not make check): the endpoints they drive are tested in test_api.py.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.web.browser import (browser_missing, chromium, copy_scenarios, click_slider, served,
                               wait_updated)

ROOT = Path(__file__).parents[2]
pytestmark = pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))

P2 = "facilities.nacic.phases.p2.start"


def _js(d, script, *args):
    return d.execute_script(script, *args)


def _pmet(d) -> list[float]:
    return _js(d, "return [...document.querySelectorAll('.card .big')].map(e => +e.dataset.pmet)")


def _replace_in_editor(d, old: str, new: str) -> None:
    """Select `old` in the editor and type `new` over it, as keystrokes."""
    from selenium.webdriver.common.by import By

    _js(d, """const cm = window.capsimEditor, text = cm.getValue(), i = text.indexOf(arguments[0]);
              cm.focus(); cm.setSelection(cm.posFromIndex(i), cm.posFromIndex(i + arguments[0].length));""", old)
    d.find_element(By.CSS_SELECTOR, ".CodeMirror textarea").send_keys(new)


def _month(s: str) -> int:
    y, m = map(int, s.split("-"))
    return y * 12 + m - 1


def _shots_dir(tmp_path: Path) -> Path:
    out = Path(os.environ.get("CAPSIM_SCREENSHOTS", tmp_path / "shots"))
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.mark.slow  # a real browser through every flow; tests/web/test_api.py covers what it calls
def test_planner_flow_in_chromium(tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    ws = copy_scenarios(ROOT, tmp_path / "ws")
    shots = _shots_dir(tmp_path)
    with served(ws) as url, chromium() as d:
        d.get(url)
        n = wait_updated(d, 0)
        assert "点军区算力基线" in d.find_element(By.ID, "sname").text
        assert len(_pmet(d)) == 2
        d.save_screenshot(str(shots / "workbench-zh.png"))

        # Completion from the JSON Schema: the keys of the mapping the cursor is in.
        d.find_element(By.CSS_SELECTOR, '[data-tab="yaml"]').click()
        _js(d, """const cm = window.capsimEditor, i = cm.getValue().indexOf('  max_utilization');
                  cm.focus(); cm.setCursor(cm.posFromIndex(i + 2));""")
        d.find_element(By.CSS_SELECTOR, ".CodeMirror textarea").send_keys("l")
        WebDriverWait(d, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".CodeMirror-hint"))
        hints = [e.text for e in d.find_elements(By.CSS_SELECTOR, ".CodeMirror-hint")]
        assert hints and all(h.startswith("l") for h in hints)  # the keys of `scheduling:`
        assert any(h.startswith("leave_after_unserved_months") for h in hints)
        _js(d, "window.capsimEditor.closeHint(); window.capsimEditor.undo()")
        n = wait_updated(d, n)

        # A typo in the YAML: the CLI's message, at its line, in the editor and the list.
        _replace_in_editor(d, "policy: priority", "policy: prioritty")
        WebDriverWait(d, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#problems li.err"))
        [li] = d.find_elements(By.CSS_SELECTOR, "#problems li.err")
        line = _js(d, "return window.capsimEditor.getValue()").split("\n").index(
            next(x for x in _js(d, "return window.capsimEditor.getValue()").split("\n")
                 if x.strip().startswith("policy:"))) + 1
        assert li.text.startswith(f"dianjun-baseline.yaml:{line}:11: scheduling.policy: must "
                                  f"be one of")
        assert "did you mean 'priority'?" in li.text
        assert "cm-problem-line" in _js(d, f"return window.capsimEditor.lineInfo({line - 1})"
                                           ".bgClass || ''")
        assert d.find_element(By.ID, "invalid").is_displayed()
        d.save_screenshot(str(shots / "workbench-problem.png"))

        # Fix it: the problem goes, the answer comes back.
        _replace_in_editor(d, "prioritty", "priority")
        n = wait_updated(d, n)
        assert not d.find_elements(By.CSS_SELECTOR, "#problems li.err")
        assert not d.find_element(By.ID, "invalid").is_displayed()

        # Count what is on the books (HPC target 275P), then move phase 2's start earlier.
        _replace_in_editor(d, "{type: hpc, capacity: 1000P,", "{type: hpc, capacity: 275P,")
        n = wait_updated(d, n)
        before = _pmet(d)
        assert 0 < before[0] < 1
        d.find_element(By.CSS_SELECTOR, '[data-tab="form"]').click()
        d.find_element(By.CSS_SELECTOR, '[data-tab="form"]').click()
        _js(d, "window.capsimEditor.getInputField().blur()")
        d.find_element(By.CSS_SELECTOR, '[data-key="build"] summary')  # the form is there
        _js(d, "arguments[0].scrollIntoView()", d.find_element(By.CSS_SELECTOR, f'input[data-path="{P2}"]'))
        d.find_element(By.ID, "pin").click()  # A: the baseline counted on the books
        click_slider(d, P2, _month("2023-09"))
        n = wait_updated(d, n)
        after = _pmet(d)
        assert after[0] > before[0]
        start = _js(d, "return window.capsimEditor.getValue()").split("start: ")
        assert any(s.startswith("2023-") for s in start[1:])
        d.find_element(By.ID, "pin").click()  # B: phase 2 early

        # Compare: two rows, the overlaid fans, the assumption that differs.
        rows = d.find_elements(By.CSS_SELECTOR, "#ctable tr")
        assert len(rows) == 3
        assert P2 in d.find_element(By.ID, "cdiff").text
        d.save_screenshot(str(shots / "workbench-compare.png"))

        # Save as what-if: a new file with only the changes, extending the open one.
        d.find_element(By.ID, "saveas").click()
        box = d.find_element(By.ID, "savefile")
        box.clear()
        box.send_keys("p2-early.yaml")
        d.find_element(By.ID, "savego").click()
        WebDriverWait(d, 20).until(lambda d: (ws / "p2-early.yaml").exists())
        import simulator as sim
        from simulator.web.yaml_edit import load_plain

        saved = load_plain((ws / "p2-early.yaml").read_text(encoding="utf-8"))
        assert set(saved) == {"extends", "name", "facilities", "targets"}
        assert saved["extends"] == "dianjun-baseline.yaml"
        assert saved["facilities"][0]["id"] == "nacic"
        [phase] = saved["facilities"][0]["phases"]
        assert set(phase) == {"id", "start"} and phase["id"] == "p2"
        assert sim.load_scenario(ws / "p2-early.yaml").targets[0].capacity == 275
        n = wait_updated(d, n)  # the page opens the new file

        # A what-if open: a value it inherits is written into it by the server; a distribution
        # from the number boxes too.
        ctrip = d.find_element(By.CSS_SELECTOR, 'input[data-path="tenants.ctrip.probability"]')
        _js(d, "arguments[0].value = 0.9; arguments[0].dispatchEvent(new Event('change'))", ctrip)
        n = wait_updated(d, n)
        mode = d.find_element(By.CSS_SELECTOR,
                              'input[data-path="facilities.nacic.phases.p2.build_months.mode"]')
        _js(d, "arguments[0].value = 16; arguments[0].dispatchEvent(new Event('change'))", mode)
        n = wait_updated(d, n)
        text = _js(d, "return window.capsimEditor.getValue()")
        assert "id: ctrip" in text and "probability: 0.9" in text
        assert "build_months: {min: 10, mode: 16, max: 24}" in text

        # English.
        d.find_element(By.ID, "lang").click()
        assert "Capacity against target" in d.find_element(By.CSS_SELECTOR, ".grid h2").text
        d.save_screenshot(str(shots / "workbench-en.png"))
        errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []


@pytest.mark.slow  # draws the whole PDF report: about as long as `capsim run` with its report
def test_pdf_download_is_the_report_capsim_run_writes(tmp_path):
    from pypdf import PdfReader
    from selenium.webdriver.common.by import By

    ws = copy_scenarios(ROOT, tmp_path / "ws")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with served(ws) as url, chromium(downloads) as d:
        d.get(url)
        wait_updated(d, 0)
        d.find_element(By.CSS_SELECTOR, '[data-dl="report.pdf"]').click()
        pdf = downloads / "report.pdf"
        deadline = time.monotonic() + 180
        while not pdf.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert pdf.exists(), "no report.pdf downloaded"
        reader = PdfReader(pdf)
        assert len(reader.pages) >= 2
        assert "点军区算力基线" in reader.pages[0].extract_text()
