"""The planning workbench in the browser (`capsim serve`): edit a scenario, see the answers live.

- `app`: the FastAPI server (page, assets, JSON API), `create_app(workspace, token)`;
- `answers`: validation results and ensemble tables as the page's JSON;
- `live`: runs that a newer edit cancels, and a small cache of ensembles;
- `yaml_edit`: form edits written into the YAML text, and "save as what-if";
- `workspace`: paths from the browser confined to the workspace folder;
- `downloads`: report.pdf, results.xlsx and the run directory, as `capsim run` writes them;
- `static/`: the page (HTML, CSS, JS) and the vendored CodeMirror 5 editor (MIT).

The top layer beside the CLI: imports report, output, ensemble and scenario; nothing imports it
but `capsim serve`.
"""
