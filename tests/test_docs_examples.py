"""Every example in docs/ runs: each ```bash block of `foedus` commands and each ```python block, against a
database built from the shared data, and the output the page shows still begins the real output.

The conventions (``skip``, ``unchecked``, output blocks) and the runner are in ``docs/run_examples.py``; the
same runner writes the outputs into the pages (``python docs/run_examples.py --db FILE --write``). Each page
runs in a fresh working directory with its own copy of the database (a page may rebuild it with
``foedus data import`` or keep a forecast ledger beside it). The site itself must build with
``mkdocs build --strict`` (broken internal links and anchors are errors), offline.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _runner():
    spec = importlib.util.spec_from_file_location("foedus_docs_run_examples", DOCS / "run_examples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


runner = _runner()
PAGES = runner.pages()
WITH_EXAMPLES = [page for page in PAGES if any(runner.runnable(b) for b in runner.blocks(page))]


def test_pages_have_examples():
    """The tutorials carry examples, and no bash block escapes the runner unmarked."""
    assert len(WITH_EXAMPLES) >= 10, [p.name for p in WITH_EXAMPLES]
    unmarked = []
    for page in PAGES:
        for block in runner.blocks(page):
            if block.language in ("bash", "sh", "shell", "console") and not block.skip:
                commands = runner.commands(block.code)
                if block.language != "bash" or not commands or not all(c.startswith("foedus") for c in commands):
                    unmarked.append(block.label)
    assert not unmarked, f"bash blocks that neither run (foedus commands only) nor say ```{{.bash .skip}}: {unmarked}"


def test_outputs_belong_to_examples():
    """An output block follows a block that runs; the runner compares its first lines."""
    block = runner.Block(DOCS / "index.md", 1, "text", [], "a  b\n\nc\n…")
    owner = runner.Block(DOCS / "index.md", 1, "bash", [], "foedus --help", output=block)
    assert runner.expected_lines(owner) == ["a b", "c"]
    assert runner.mismatch(owner, "a b\nc\nmore\n", {}) is None
    assert runner.mismatch(owner, "a b\nd\n", {}) is not None
    counted = runner.Block(DOCS / "index.md", 1, "bash", [], "foedus --help",
                           output=runner.Block(DOCS / "index.md", 1, "text", [], "Cuba obliged 75%: 13779 triads"))
    assert runner.mismatch(counted, "Cuba obliged 80%: 13950 triads", {}) is None  # counts drift with the register
    assert runner.mismatch(counted, "Cuba conditional 80%: 13950 triads", {}) is not None


@pytest.fixture(scope="module")
def docs_db(real_db_file, tmp_path_factory) -> str:
    """A copy of the built database: pages may rebuild it or write a ledger beside it."""
    target = tmp_path_factory.mktemp("docsdb") / "foedus.duckdb"
    shutil.copyfile(real_db_file, target)
    return str(target)


@pytest.mark.parametrize("page", WITH_EXAMPLES, ids=lambda p: str(p.relative_to(DOCS)))
def test_page_examples_run(page, docs_db, tmp_path):
    env = runner.environment(docs_db)
    workdir = tmp_path / "work"
    runner.prepare(workdir)
    problems = []
    ran = 0
    for block in filter(runner.runnable, runner.blocks(page)):
        result = runner.run(block, workdir, env)
        ran += 1
        if result.returncode != 0:
            problems.append(f"{block.label}: exit {result.returncode}\n{result.stdout[-1500:]}")
            continue
        if "Traceback (most recent call last)" in result.stdout and block.language == "bash":
            problems.append(f"{block.label}: a traceback reached the user")
        problem = runner.mismatch(block, result.stdout, env)
        if problem:
            problems.append(problem)
    assert ran > 0
    assert not problems, "\n\n".join(problems)


@pytest.mark.realdata
def test_mkdocs_build_strict(tmp_path):
    """`mkdocs build --strict` succeeds offline: generated references, mkdocstrings, internal links."""
    pytest.importorskip("mkdocs", reason="the docs extra is not installed (pip install -e '.[docs]')")
    pytest.importorskip("material", reason="the docs extra is not installed (pip install -e '.[docs]')")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert not warnings, warnings
    site = tmp_path / "site"
    cli = (site / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    assert "foedus scenario" in cli and "--reliability" in cli
    http = (site / "reference" / "http" / "index.html").read_text(encoding="utf-8")
    assert "/api/dyad" in http
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text, html
        assert '<script src="http' not in text, html
    gallery = (site / "gallery" / "index.html").read_text(encoding="utf-8")
    assert gallery.count("<img ") >= 6, "the gallery's figures were not drawn"


def _gallery(out: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(DOCS / "gen_gallery.py"), str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.realdata
def test_gallery_draws_every_figure_with_its_command(docs_db, tmp_path):
    """Each gallery figure is drawn by the real command shown under it, from the real database."""
    gallery = _runner_module("foedus_docs_gen_gallery", "gen_gallery.py")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOEDUS_")}
    result = _gallery(tmp_path, {**env, "FOEDUS_DB": docs_db})
    assert result.returncode == 0, result.stderr[-2000:]
    page = (tmp_path / "gallery.md").read_text(encoding="utf-8")
    assert "database named by `FOEDUS_DB`" in page
    assert "Not drawn" not in page
    for figure in gallery.FIGURES:
        data = (tmp_path / "gallery" / figure.file).read_bytes()
        assert b"<svg" in data[:2000] and len(data) > 5000, figure.file
        assert f"](gallery/{figure.file})" in page
        for command in figure.commands:
            assert command in page
    assert "foedus plot network --on 2026-06-01 --out network.svg" in page


def test_gallery_without_database_says_so(tmp_path):
    """No database at build time: the page says so, lists the commands, and draws nothing (the build goes on)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOEDUS_")}
    result = _gallery(tmp_path, {**env, "FOEDUS_DB": str(tmp_path / "missing.duckdb")})
    assert result.returncode == 0, result.stderr[-2000:]
    page = (tmp_path / "gallery.md").read_text(encoding="utf-8")
    assert "No figures in this build" in page and "missing.duckdb" in page
    assert "foedus sanctions plot --out trade.svg" in page
    assert not list((tmp_path / "gallery").iterdir())


def _runner_module(name: str, file: str):
    spec = importlib.util.spec_from_file_location(name, DOCS / file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
