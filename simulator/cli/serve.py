"""`capsim serve`: the planning workbench in the browser, on loopback unless told otherwise."""

from __future__ import annotations

import ipaddress
import os
import secrets
import socket
from pathlib import Path

import typer

from simulator.cli.app import EXIT_INPUT, _err, app

LOOPBACK_NAMES = ("localhost",)
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)  # a slider answers in half the time on 2 cores


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: only this machine can reach the server."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (in use, no such address), or None."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(address)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


@app.command()
def serve(workspace: Path = typer.Argument(Path("scenarios"), help="Folder of scenario files."),
          host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback by "
                                   "default; any other needs the printed token)."),
          port: int = typer.Option(8765, "--port", min=0, max=65535, help="Port."),
          workers: int = typer.Option(DEFAULT_WORKERS, "--workers", min=1, max=64,
                                      help="Local processes for the replications.")) -> None:
    """Start the planning workbench: edit a scenario and see its answers live in the browser."""
    try:
        import uvicorn

        from simulator.web.app import create_app
    except ImportError as exc:
        _err(f"error: the workbench needs the web extra ({exc.name} is missing): "
             f"pip install 'capsim[web]'")
        raise typer.Exit(EXIT_INPUT)
    if not workspace.is_dir():
        _err(f"{workspace}: not a folder of scenario files")
        raise typer.Exit(EXIT_INPUT)
    problem = port_problem(host, port)
    if problem:
        _err(f"error: cannot listen on {host}:{port}: {problem} (try another --port)")
        raise typer.Exit(EXIT_INPUT)
    token = None if is_loopback(host) else secrets.token_urlsafe(18)
    web = create_app(workspace, token, workers)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    print(f"capsim workbench on {url}  (workspace {workspace.resolve()}; Ctrl-C stops it)",
          flush=True)
    uvicorn.run(web, host=host, port=port, log_level="warning")
