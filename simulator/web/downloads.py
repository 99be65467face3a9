"""What the meeting takes away: exactly the files `capsim run` writes, for the open scenario."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

KINDS = {"report.pdf": "application/pdf",
         "results.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "run.zip": "application/zip"}


def run_files(ens, stem: str, scenario_file: str, kind: str, lang: str | None) -> bytes:
    """The bytes of `kind` from a run directory written by `write_run` (with the report when it
    is asked for), in a temporary folder that is removed afterwards."""
    from simulator.output.run_dir import write_run

    if kind not in KINDS:
        raise ValueError(f"unknown download {kind!r}")

    def report(tmp: Path) -> None:
        from simulator.report import write_report

        write_report(tmp, lang=lang)

    with tempfile.TemporaryDirectory(prefix="capsim-web-") as tmp:
        out = Path(tmp) / stem
        extra = None if kind == "results.xlsx" else report
        write_run(ens, out, scenario_file=scenario_file, extra=extra)
        if kind != "run.zip":
            return (out / kind).read_bytes()
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for path in sorted(out.rglob("*")):
                if path.is_file():
                    z.write(path, f"{stem}/{path.relative_to(out).as_posix()}")
        return buf.getvalue()
