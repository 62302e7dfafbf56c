"""Run the code blocks of the documentation, and write their real output into the pages.

Conventions in ``docs/**/*.md``:

* a ```` ```bash ```` block whose commands all start with ``foedus`` runs (as one bash script, ``set -e``); any
  other bash block must be marked ```` ```{.bash .skip} ```` (e.g. ``make run``, ``foedus serve``), and the test fails
  on an unmarked one, so nothing is left out silently;
* a ```` ```python ```` block runs as a script with ``python`` (``skip`` likewise);
* a ```` ```text ```` block right after a block that runs is that block's output (stdout and stderr
  together). ``--write`` fills it with the real output (its first :data:`KEEP` lines, then a line ``…``);
  the test checks that the first lines still begin the same after normalising whitespace, numbers aside.
* ```` ```{.text .unchecked} ```` is filled the same way but not compared (output that carries build ids,
  timestamps or timings). The database and data paths are shown as the defaults (:func:`substitute`).

The blocks of a page run in order in one working directory (so a file written by one block can be read by the
next), with ``examples/`` of the repository linked into it, and with a fixed environment: ``FOEDUS_DB`` (a
database built from the shared data), ``FOEDUS_TODAY`` (:data:`TODAY`) and ``COLUMNS`` (:data:`WIDTH`).

    python docs/run_examples.py --db FILE [--write] [PAGE.md ...]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
TODAY = "2026-12-01"
WIDTH = 120
KEEP = 30
COMPARE = 8  # lines compared
PREFIX = 120  # characters compared of each line: a long line's tail is often a list that grows
MORE = "…"
TIMEOUT = 600
_PROGRESS = re.compile(r"━.*\d+:\d\d:\d\d\s*$")  # a rich progress bar's last frame: its time varies
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+)(?P<info>[^`]*)$")


@dataclass
class Block:
    page: Path
    line: int  # 1-based line of the opening fence
    language: str
    options: list[str]
    code: str
    output: Block | None = None
    start: int = 0  # index of the first content line
    end: int = 0  # index of the closing fence
    extra: dict = field(default_factory=dict)

    @property
    def skip(self) -> bool:
        return "skip" in self.options

    @property
    def label(self) -> str:
        return f"{self.page.relative_to(DOCS)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """Every fenced block of a page, outputs attached to the block they follow."""
    lines = page.read_text(encoding="utf-8").split("\n")
    found: list[Block] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, indent = match["fence"], match["indent"]
        words = match["info"].replace("{", " ").replace("}", " ").replace(".", " ").split()
        language, options = (words[0], words[1:]) if words else ("", [])
        j = i + 1
        while j < len(lines) and lines[j].strip() != fence:
            j += 1
        code = "\n".join(line[len(indent):] for line in lines[i + 1:j])
        block = Block(page, i + 1, language, options, code, start=i + 1, end=j)
        previous = found[-1] if found else None
        between = lines[previous.end + 1:i] if previous else []
        if (language == "text" and previous is not None and previous.language in ("bash", "python")
                and not previous.skip and all(not s.strip() for s in between)):
            previous.output = block
        else:
            found.append(block)
        i = j + 1
    return found


def runnable(block: Block) -> bool:
    return block.language in ("bash", "python") and not block.skip


def commands(code: str) -> list[str]:
    """The commands of a bash block (comments and blank lines dropped, continuations joined)."""
    joined = code.replace("\\\n", " ")
    return [line.strip() for line in joined.split("\n") if line.strip() and not line.strip().startswith("#")]


def environment(db: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FOEDUS_", "PYTEST"))}
    env.update(FOEDUS_DB=db, FOEDUS_TODAY=TODAY, COLUMNS=str(WIDTH), LINES="50", TERM="dumb", NO_COLOR="1",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", PYTHONHASHSEED="0")
    from foedus.config import data_dir

    env["FOEDUS_DATA_DIR"] = str(data_dir())
    return env


def run(block: Block, workdir: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    if block.language == "bash":
        script = "set -e\n" + block.code
        argv = ["bash", "-c", script]
    else:
        argv = [sys.executable, "-c", block.code]
    return subprocess.run(argv, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=TIMEOUT)


def substitute(text: str, env: dict[str, str]) -> str:
    """The run's own paths written as a user's defaults would be."""
    for key, shown_as in (("FOEDUS_DB", "~/.local/share/foedus/foedus.duckdb"), ("FOEDUS_DATA_DIR", "../shared/data")):
        if env.get(key):
            text = text.replace(env[key], shown_as)
    return text


def normalise(text: str) -> list[str]:
    """Non-blank lines with runs of whitespace made one space, progress bars dropped."""
    return [" ".join(line.split()) for line in text.split("\n") if line.strip() and not _PROGRESS.search(line)]


def expected_lines(block: Block) -> list[str]:
    if block.output is None or "unchecked" in block.output.options:
        return []
    lines = normalise(block.output.code)
    if lines and lines[-1] == MORE:
        lines = lines[:-1]
    return lines[:COMPARE]


def _shape(line: str) -> str:
    """What is compared of a line: its first PREFIX characters with every number as '#'. Counts drift whenever
    the register grows; names, statuses, verdicts and the layout must stay."""
    return _NUMBER.sub("#", line[:PREFIX])


def mismatch(block: Block, stdout: str, env: dict[str, str]) -> str | None:
    """None when the output matches what the page shows, else a description."""
    want = [_shape(line) for line in expected_lines(block)]
    got = [_shape(line) for line in normalise(substitute(stdout, env))[: len(want)]]
    if got == want:
        return None
    return f"{block.label}: output differs\n  page: {want}\n  real: {got}"


def shown(stdout: str, env: dict[str, str]) -> str:
    lines = [line for line in substitute(stdout, env).rstrip("\n").split("\n") if not _PROGRESS.search(line)]
    while lines and not lines[0].strip():
        lines.pop(0)
    if len(lines) > KEEP:
        lines = [*lines[:KEEP], MORE]
    return "\n".join(line.rstrip() for line in lines)


def prepare(workdir: Path) -> None:
    """A fresh working directory for one page, with the repository's examples/ linked in."""
    import shutil

    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True, exist_ok=True)
    link = workdir / "examples"
    if not link.exists():
        link.symlink_to(ROOT / "examples", target_is_directory=True)


def pages(names: list[str] | None = None) -> list[Path]:
    if names:
        return [Path(n).resolve() for n in names]
    return sorted(p for p in DOCS.rglob("*.md") if "site" not in p.parts)


def write_outputs(page: Path, db: str, workdir: Path) -> int:
    """Run every block of `page` and rewrite the output blocks in place; return the number of blocks run."""
    prepare(workdir)
    env = environment(db)
    lines = page.read_text(encoding="utf-8").split("\n")
    edits: list[tuple[int, int, str]] = []
    count = 0
    for block in blocks(page):
        if not runnable(block):
            continue
        result = run(block, workdir, env)
        count += 1
        if result.returncode != 0:
            raise SystemExit(f"{block.label}: exit {result.returncode}\n{result.stdout[-2000:]}")
        if block.output is not None:
            edits.append((block.output.start, block.output.end, shown(result.stdout, env)))
        print(f"ran {block.label}", file=sys.stderr)
    for start, end, text in sorted(edits, reverse=True):
        lines[start:end] = text.split("\n")
    page.write_text("\n".join(lines), encoding="utf-8")
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--write", action="store_true", help="rewrite the output blocks with the real output")
    parser.add_argument("--workdir", default="/tmp/foedus-docs-run")
    parser.add_argument("pages", nargs="*")
    args = parser.parse_args(argv)
    total = 0
    for page in pages(args.pages):
        workdir = Path(args.workdir) / page.stem
        if args.write:
            total += write_outputs(page, args.db, workdir)
            continue
        prepare(workdir)
        env = environment(args.db)
        for block in filter(runnable, blocks(page)):
            result = run(block, workdir, env)
            total += 1
            problem = f"exit {result.returncode}: {result.stdout[-500:]}" if result.returncode else None
            problem = problem or mismatch(block, result.stdout, env)
            print(f"{'FAIL' if problem else 'ok  '} {block.label}" + (f"\n{problem}" if problem else ""))
    print(f"{total} blocks run", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
