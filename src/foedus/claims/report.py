"""Render judged claims: the `--json` contract, a rich table, and a standalone offline HTML report."""

from __future__ import annotations

import html

from foedus.results import Record, Result

COLOURS = {"supported": "#2e7d32", "contradicted": "#c62828", "overstated": "#ef6c00", "disputed": "#6a1b9a",
           "unverifiable": "#616161"}


class JudgedClaim(Record):
    """One claim as judged: its span in the plain text, its kind, the verdict, why, and the evidence."""

    text: str
    start: int
    end: int
    kind: str
    verdict: str
    explanation: str
    evidence: list[dict]


class ClaimsReport(Result):
    """``foedus check --json``: ``{"claims": [...]}``."""

    claims: list[JudgedClaim]


class CheckAnswer(Result):
    """``POST /api/check``: the plain text the claims' offsets point into, the date taken as 'now', the
    number of claims per verdict (in order of first appearance), and the claims."""

    text: str
    on: str
    counts: dict[str, int]
    claims: list[JudgedClaim]


def judged_claims(judged) -> list[JudgedClaim]:
    return [JudgedClaim(**j.to_json()) for j in judged]


def report(judged) -> ClaimsReport:
    """The typed ``foedus check --json`` answer of judged claims."""
    return ClaimsReport(claims=judged_claims(judged))


def to_json(judged) -> dict:
    """``{"claims": [{"text", "start", "end", "kind", "verdict", "explanation", "evidence": [...]}, ...]}``"""
    return report(judged).to_json()


def check_answer(plain: str, on: str, judged) -> CheckAnswer:
    """The typed ``POST /api/check`` answer: :func:`to_json`'s claims with the text, the date and the counts."""
    claims = judged_claims(judged)
    counts: dict[str, int] = {}
    for claim in claims:
        counts[claim.verdict] = counts.get(claim.verdict, 0) + 1
    return CheckAnswer(text=plain, on=on, counts=counts, claims=claims)


def table(judged, title: str = "Claims"):
    from rich.table import Table

    t = Table(title=title)
    for column in ("#", "claim", "kind", "verdict", "explanation", "query"):
        t.add_column(column, overflow="fold")
    for i, j in enumerate(judged, 1):
        colour = COLOURS.get(j.verdict, "white")
        query = "; ".join(e["query"] for e in j.evidence)
        t.add_row(str(i), j.claim.text, j.claim.kind, f"[{colour}]{j.verdict}[/]", j.explanation, query)
    return t


_CSS = """
body{font-family:Georgia,serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.55;color:#222}
h1{font-size:1.4rem} h2{font-size:1.15rem;margin-top:2rem}
pre.article{white-space:pre-wrap;font-family:inherit;background:#fafafa;border:1px solid #ddd;padding:1rem}
mark{background:none;border-bottom:3px solid;padding:0 1px} mark a{color:inherit;text-decoration:none}
.claim{border-left:5px solid;padding:.4rem .8rem;margin:1rem 0;background:#fcfcfc}
.verdict{font-weight:bold;text-transform:uppercase;font-family:sans-serif;font-size:.85rem}
.ev{font-family:sans-serif;font-size:.85rem;color:#333} code{background:#eee;padding:0 .2rem}
.legend span{margin-right:1rem;font-family:sans-serif;font-size:.85rem}
"""


def to_html(text: str, judged, title: str = "foedus check") -> str:
    """A standalone page (inline CSS, no scripts, no external assets): the text with each claim highlighted
    in its verdict's colour and linked to its verdict, explanation and evidence below."""
    esc = html.escape
    parts, at = [], 0
    for i, j in enumerate(sorted(judged, key=lambda j: j.claim.start), 1):
        c = j.claim
        if c.start < at:
            continue
        colour = COLOURS.get(j.verdict, "#000")
        parts.append(esc(text[at:c.start]))
        parts.append(f'<mark id="t{i}" style="border-color:{colour}" title="{esc(j.verdict)}">'
                     f'<a href="#c{i}">{esc(text[c.start:c.end])}<sup>{i}</sup></a></mark>')
        at = c.end
    parts.append(esc(text[at:]))
    items = []
    for i, j in enumerate(sorted(judged, key=lambda j: j.claim.start), 1):
        colour = COLOURS.get(j.verdict, "#000")
        evidence = "".join(
            f'<li><code>{esc(e["query"])}</code> — {esc(str(e["answer"]))}'
            + ("<ul>" + "".join(f"<li>{_link(s)}</li>" for s in e["sources"]) + "</ul>" if e["sources"] else "")
            + "</li>" for e in j.evidence)
        items.append(
            f'<div class="claim" id="c{i}" style="border-color:{colour}"><a href="#t{i}">#{i}</a> '
            f'<span class="verdict" style="color:{colour}">{esc(j.verdict)}</span> '
            f'<em>({esc(j.claim.kind)})</em><br>“{esc(j.claim.text)}”<br>{esc(j.explanation)}'
            f'<ul class="ev">{evidence}</ul></div>')
    counts = {}
    for j in judged:
        counts[j.verdict] = counts.get(j.verdict, 0) + 1
    legend = "".join(f'<span style="color:{c}">■ {v}: {counts.get(v, 0)}</span>' for v, c in COLOURS.items())
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f"<style>{_CSS}</style></head><body><h1>{esc(title)}</h1>"
            f'<p class="legend">{legend}</p><pre class="article">{"".join(parts)}</pre>'
            f'<h2>Claims and evidence</h2>{"".join(items) or "<p>No checkable claim found.</p>"}'
            "<p class=\"ev\">Checked by foedus against its knowledge base (ATOP, COW, the curated register, the UN "
            "sanctions regime and the cited trade series). Verdicts: supported, contradicted, overstated (true in "
            "part), disputed (sources disagree), unverifiable (outside the knowledge base).</p></body></html>\n")


def _link(source: str) -> str:
    import re

    escaped = html.escape(str(source))
    return re.sub(r"(https?://[^\s|<>&]+)", r'<a href="\1">\1</a>', escaped)
