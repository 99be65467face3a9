"""The workbench's HTTP server (FastAPI): the page, its assets, and a small JSON API.

Every scenario the browser sends goes through `load_scenario` (the CLI's validation and
limits); paths are confined to the workspace; nothing received is evaluated.
"""

from __future__ import annotations

import os
import secrets
import time
from contextlib import asynccontextmanager
from importlib.util import find_spec
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from simulator.scenario.yaml_read import MAX_FILE_BYTES
from simulator.web import answers
from simulator.web.live import MAX_REPLICATIONS, Runner, Superseded
from simulator.web.workspace import Workspace

STATIC = Path(__file__).parent / "static"
FONT = Path(__file__).parent.parent / "report" / "fonts" / "CapsimCJKSC-Regular.ttf"
TOKEN_COOKIE = "capsim_token"


class Draft(BaseModel):
    """The editor's state: the file it stands for and its (maybe unsaved) text."""

    path: str = Field(max_length=1000)
    text: str = Field(max_length=MAX_FILE_BYTES)
    replications: int = Field(1000, ge=1, le=MAX_REPLICATIONS)
    seed: int | None = Field(None, ge=0)
    channel: str = Field("live", max_length=40)
    edits: dict[str, float | str | dict[str, float] | None] = Field(default_factory=dict,
                                                                    max_length=20)
    lang: str | None = Field(None, pattern="^(zh|en)$")


class SaveAs(BaseModel):
    path: str = Field(max_length=1000)
    text: str = Field(max_length=MAX_FILE_BYTES)
    target: str = Field(max_length=1000)
    name: str = Field(max_length=200)


def plotly_js() -> Path:
    """plotly.min.js as the plotly wheel ships it (no CDN)."""
    spec = find_spec("plotly")
    return Path(spec.submodule_search_locations[0]) / "package_data" / "plotly.min.js"


def create_app(workspace: str | os.PathLike, token: str | None = None,
               workers: int = 1) -> FastAPI:
    """The app serving `workspace`; with `token`, every request must carry it (URL or cookie).

    `workers` > 1 runs the replications on that many local processes, started with the server
    and ended with it.
    """
    ws = Workspace(workspace)
    runner = Runner()

    @asynccontextmanager
    async def lifespan(app):
        from simulator.ensemble.executors import executor_for

        with executor_for(workers) as (executor, count):
            runner.executor, runner.workers = executor, count
            try:
                yield
            finally:
                runner.executor, runner.workers = None, 1

    app = FastAPI(title="capsim workbench", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.state.workspace, app.state.runner = ws, runner

    if not token:
        @app.middleware("http")
        async def loopback_names_only(request: Request, call_next):
            # Without a token, only pages this machine names by a loopback address may call
            # (a site that re-points its own name at 127.0.0.1 cannot read the workspace).
            host = request.headers.get("host", "").rsplit(":", 1)[0].strip("[]")
            if not _loopback_name(host):
                return JSONResponse({"detail": f"host {host!r} refused"}, status_code=403)
            return await call_next(request)

    if token:
        @app.middleware("http")
        async def require_token(request: Request, call_next):
            given = request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE)
            if not given or not secrets.compare_digest(given, token):
                return JSONResponse({"detail": "a token is required: use the URL capsim "
                                     "serve printed"}, status_code=403)
            response = await call_next(request)
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
            return response

    _page_routes(app)
    _api_routes(app, ws, runner)
    return app


def _page_routes(app: FastAPI) -> None:
    """The page and its assets: ours, Plotly's from its wheel, the report's CJK font."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", response_class=HTMLResponse)
    def index():
        return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"),
                            headers={"Cache-Control": "no-store"})

    @app.get("/vendor/plotly.min.js")
    def plotly():
        return FileResponse(plotly_js(), media_type="text/javascript")

    @app.get("/favicon.ico")
    def favicon():
        return Response(status_code=204)

    @app.get("/fonts/cjk.ttf")
    def font():
        return FileResponse(FONT, media_type="font/ttf")


def _api_routes(app: FastAPI, ws: Workspace, runner: Runner) -> None:
    """The JSON API the page calls; each route hands on to a plain function below."""
    @app.get("/api/files")
    def files():
        return {"workspace": ws.root.name, "files": ws.files()}

    @app.get("/api/file")
    def read(path: str):
        return {"path": path, "text": _guard(lambda: ws.read(path))}

    @app.get("/api/schema")
    def schema():
        from simulator.scenario.json_schema import scenario_schema

        return scenario_schema()

    @app.post("/api/run")
    def run(d: Draft):
        return _run(ws, runner, d)

    @app.post("/api/save")
    def save(s: SaveAs):
        return _save(ws, s)

    @app.post("/api/download/{kind}")
    def download(kind: str, d: Draft):
        return _download(ws, runner, kind, d)


def _download(ws: Workspace, runner: Runner, kind: str, d: Draft) -> Response:
    from simulator.web.downloads import KINDS, run_files

    if kind not in KINDS:
        raise HTTPException(404, f"no download {kind!r}")
    full = _guard(lambda: ws.path(d.path))
    scenario, problems = _valid(ws, full, d.text)
    if scenario is None:
        raise HTTPException(422, "; ".join(p["text"] for p in problems))
    ens = runner.ensemble(scenario, d.replications, d.seed)
    data = run_files(ens, full.stem, d.path, kind, d.lang)
    name = kind if kind != "run.zip" else f"{full.stem}.zip"
    return Response(data, media_type=KINDS[kind],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _loopback_name(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guard(fn):
    try:
        return fn()
    except (ValueError, OSError) as exc:
        raise HTTPException(400, str(exc)) from None


def _shown(ws: Workspace):
    def name(file: str) -> str:
        try:
            return ws.relative(Path(file))
        except (ValueError, OSError):
            return Path(file).name
    return name


def _valid(ws: Workspace, full: Path, text: str):
    from simulator.web.answers import problem_json

    outside = ws.check_extends(full, text)
    if outside:
        return None, [problem_json(p, ws.relative(full)) | {"here": True} for p in outside]
    scenario, problems, _, _ = answers.check(full, text, _shown(ws))
    return scenario, problems


def _run(ws: Workspace, runner: Runner, d: Draft) -> dict:
    from simulator.web.yaml_edit import set_value

    began = time.perf_counter()
    ticket = runner.ticket(d.channel)
    full = _guard(lambda: ws.path(d.path))
    text = d.text
    for key, value in d.edits.items():
        text = _guard(lambda: set_value(text, key, value))
    outside = ws.check_extends(full, text)
    if outside:
        problems = [answers.problem_json(p, ws.relative(full)) | {"here": True} for p in outside]
        return {"ok": False, "text": text, "problems": problems, "warnings": []}
    scenario, problems, warnings, raw = answers.check(full, text, _shown(ws))
    out = {"ok": scenario is not None, "text": text, "problems": problems, "warnings": warnings}
    if scenario is None:
        return out
    fields = answers.place_fields(answers.form_fields(scenario), raw, full, text)
    out.update(fields=fields, horizon=answers.horizon(scenario))
    try:
        ens = runner.ensemble(scenario, d.replications, d.seed, d.channel, ticket)
    except Superseded:
        return {"superseded": True}
    out["answer"] = answers.answer(ens)
    out["assumptions"] = answers.assumptions(scenario)
    out["server_s"] = round(time.perf_counter() - began, 3)
    return out


def _save(ws: Workspace, s: SaveAs) -> dict:
    from simulator.web.yaml_edit import whatif_text

    full = _guard(lambda: ws.path(s.path))
    target = _guard(lambda: ws.path(s.target, must_exist=False))
    base_text = _guard(lambda: ws.read(s.path))
    extends = os.path.relpath(full, target.parent)
    text, lost = _guard(lambda: whatif_text(base_text, s.text, Path(extends).as_posix(),
                                            s.name))
    scenario, problems = _valid(ws, target, text)
    if scenario is None:
        return {"ok": False, "problems": problems}
    _guard(lambda: ws.write_new(s.target, text))
    return {"ok": True, "path": ws.relative(target), "text": text, "lost": lost}
