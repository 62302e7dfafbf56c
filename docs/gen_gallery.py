"""The gallery (``gallery.md`` and its figures under ``gallery/``), made at build time by mkdocs-gen-files.

Every figure is drawn by running the real ``foedus`` command shown under it, in a scratch directory, against the
database the build finds: ``FOEDUS_DB``, else the default ``~/.local/share/foedus/foedus.duckdb``, else one built
for the build with ``foedus data import`` from the shared data (``FOEDUS_DATA_DIR`` or ``../shared/data``, a few
seconds). Without any of them the page says so and the build goes on. A command that fails is a warning, so
``mkdocs build --strict`` fails on it, as it fails on a broken link.

Run it alone (``python docs/gen_gallery.py OUTDIR``) to write the page and the figures to a directory instead.
"""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
TODAY = "2026-12-01"  # the same fixed "today" as the tutorials' examples (docs/run_examples.py)
DEFAULT_DB = Path("~/.local/share/foedus/foedus.duckdb").expanduser()
TIMEOUT = 300
log = logging.getLogger("mkdocs.plugins.foedus_gallery")


@dataclass(frozen=True)
class Figure:
    slug: str
    title: str
    text: str
    commands: tuple[str, ...]  # run in order; the last one writes `file`
    file: str


FIGURES = (
    Figure("network", "The defence-commitment network",
           "Every state on a ring (the same place on every date, so two dates compare), an edge for each defence "
           "commitment in force on the date.",
           ("foedus plot network --on 2026-06-01 --out network.svg",), "network.svg"),
    Figure("dyad", "A dyad's commitments over time",
           "Russia and North Korea: each commitment between them as a bar from its start to its end; see "
           "[the Russia–DPRK–China triangle](tutorials/triangle.md).",
           ("foedus plot dyad Russia 'North Korea' --out dyad.svg",), "dyad.svg"),
    Figure("blocs", "Bloc sizes over time",
           "The communities of the commitment network (Louvain, fixed seed) on 1 January of every tenth year.",
           ("foedus plot blocs --from 1950 --to 2020 --step 10 --out blocs.svg",), "blocs.svg"),
    Figure("reliability", "Alliance reliability: published figures beside foedus",
           "The published reliability figures as bars beside foedus's recomputation from the store; see "
           "[validating alliance reliability](tutorials/reliability.md).",
           ("foedus reliability --plot reliability.svg",), "reliability.svg"),
    Figure("calibration", "Forecast calibration",
           "The example ledger of the [forecast tutorial](tutorials/claims-forecasts.md), resolved against the "
           "record and scored: stated probability against observed frequency.",
           ("foedus forecast import examples/forecasts.json --ledger ledger.json",
            "foedus forecast resolve --ledger ledger.json",
            "foedus forecast score --ledger ledger.json --plot calibration.svg"), "calibration.svg"),
    Figure("trade", "A trade series with the sanctions resolutions",
           "The cited seed trade series with the resolutions marked on the time axis; see "
           "[sanctions compliance](tutorials/sanctions.md).",
           ("foedus sanctions plot --out trade.svg",), "trade.svg"),
)


def _foedus() -> str:
    local = Path(sys.executable).parent / "foedus"
    return str(local) if local.exists() else "foedus"


def _environment(db: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FOEDUS_", "PYTEST"))}
    env.update(FOEDUS_DB=db, FOEDUS_TODAY=TODAY, COLUMNS="120", TERM="dumb", NO_COLOR="1")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    if os.environ.get("FOEDUS_DATA_DIR"):
        env["FOEDUS_DATA_DIR"] = os.environ["FOEDUS_DATA_DIR"]
    return env


def _run(command: str, workdir: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    argv = shlex.split(command)
    argv[0] = _foedus()
    return subprocess.run(argv, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=TIMEOUT)


def find_database(scratch: Path) -> tuple[str | None, str]:
    """The database to draw from, and a sentence saying which it is (or why there is none)."""
    explicit = os.environ.get("FOEDUS_DB")
    if explicit:
        if Path(explicit).is_file():
            return explicit, "the database named by `FOEDUS_DB`"
        return None, f"`FOEDUS_DB` names `{explicit}`, which does not exist"
    if DEFAULT_DB.is_file():
        return str(DEFAULT_DB), "the default database, `~/.local/share/foedus/foedus.duckdb`"
    try:
        from foedus.config import data_dir

        data = data_dir()
    except Exception as exc:  # no shared data: say so on the page
        return None, f"no database (`FOEDUS_DB` unset, no `~/.local/share/foedus/foedus.duckdb`) and no data ({exc})"
    if not (data / "atop4_01_member_level.csv").exists():
        return None, f"no database and no ATOP files in the data directory `{data}`"
    db = scratch / "foedus.duckdb"
    result = _run(f"foedus data import --data-dir {shlex.quote(str(data))}", scratch, _environment(str(db)))
    if result.returncode != 0 or not db.is_file():
        log.warning("gallery: `foedus data import` failed (exit %s): %s", result.returncode, result.stdout[-500:])
        return None, "a database could not be built from the shared data (`foedus data import` failed)"
    return str(db), "a database built for this page from the shared data with `foedus data import`"


def _draw(figure: Figure, db: str, scratch: Path) -> tuple[bytes | None, str | None]:
    """Run a figure's commands in its own directory, on its own copy of the database; (figure, failure)."""
    workdir = scratch / figure.slug
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    copy = workdir / "foedus.duckdb"
    shutil.copyfile(db, copy)
    env = _environment(str(copy))
    for command in figure.commands:
        result = _run(command, workdir, env)
        if result.returncode != 0:
            return None, f"`{command}` exited {result.returncode}: {result.stdout.strip()[-300:]}"
    out = workdir / figure.file
    if not out.is_file():
        return None, f"`{figure.commands[-1]}` wrote no {figure.file}"
    return out.read_bytes(), None


def make(scratch: Path) -> tuple[str, dict[str, bytes]]:
    """The gallery page and its figures (file name -> bytes)."""
    db, where = find_database(scratch)
    lines = [
        "# Gallery",
        "",
        "The figures foedus makes, each drawn when this site is built, from the real data, by the command shown "
        "under it (`docs/gen_gallery.py` runs them). Every command writes PNG or SVG by the file's suffix and takes "
        f"`--db PATH` (default `FOEDUS_DB`); \"today\" is fixed at {TODAY}, as in the tutorials.",
        "",
        "The **map** is not here: it is the web app's (`foedus serve`, then open the root page), drawn in the "
        "browser from the same store, so the build cannot make a still of it.",
        "",
    ]
    figures: dict[str, bytes] = {}
    if db is None:
        lines += ["!!! warning \"No figures in this build\"",
                  f"    This build found {where}, so no figure was drawn. Set `FOEDUS_DB` to a database built with "
                  "`foedus data import` (or `FOEDUS_DATA_DIR` to the data) and build again.", ""]
        for figure in FIGURES:
            lines += [f"## {figure.title}", "", figure.text, "", "```{.bash .skip}", *figure.commands, "```", ""]
        return "\n".join(lines) + "\n", figures
    lines += [f"Drawn from {where}.", ""]
    workers = max(1, min(3, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:  # each figure on its own copy of the database
        drawn = list(pool.map(lambda figure: _draw(figure, db, scratch), FIGURES))
    for figure, (data, failure) in zip(FIGURES, drawn, strict=True):
        lines += [f"## {figure.title}", "", figure.text, ""]
        if failure:
            log.warning("gallery: %s", failure)
            lines += ["!!! failure \"Not drawn\"", f"    {' '.join(failure.split())}", ""]
        else:
            figures[figure.file] = data
            lines += [f"![{figure.title}](gallery/{figure.file})", ""]
        lines += ["```{.bash .skip}", *figure.commands, "```", ""]
    return "\n".join(lines) + "\n", figures


def _write_with_gen_files() -> None:
    import mkdocs_gen_files

    with tempfile.TemporaryDirectory(prefix="foedus-gallery-") as scratch:
        page, figures = make(Path(scratch))
    with mkdocs_gen_files.open("gallery.md", "w") as handle:
        handle.write(page)
    mkdocs_gen_files.set_edit_path("gallery.md", "docs/gen_gallery.py")
    for name, data in figures.items():
        with mkdocs_gen_files.open(f"gallery/{name}", "wb") as handle:
            handle.write(data)


if __name__ == "__main__" and len(sys.argv) > 1:
    target = Path(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="foedus-gallery-") as scratch:
        page, figures = make(Path(scratch))
    (target / "gallery").mkdir(parents=True, exist_ok=True)
    (target / "gallery.md").write_text(page, encoding="utf-8")
    for name, data in figures.items():
        (target / "gallery" / name).write_bytes(data)
elif __name__ == "<run_path>":  # how mkdocs-gen-files runs a script (runpy.run_path)
    _write_with_gen_files()
