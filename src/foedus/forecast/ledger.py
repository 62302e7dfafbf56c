"""The forecast ledger: forecasts, their resolution rules, resolution from the knowledge base, scores.

Storage
-------
The ledger is a JSON file beside the database, ``<db>.forecasts.json`` (or ``--ledger PATH`` /
``FOEDUS_FORECASTS``), written atomically (:mod:`foedus.atomic`) under a lock file. ``foedus data import``
rebuilds the database file and swaps it in; the ledger is a separate file, so it survives every re-import.

Exchange format (``foedus forecast export`` / ``import``), close to what forecasting platforms publish
(Metaculus-style questions with a binary resolution, one prediction per question)::

    {"format": "foedus-forecasts/1",
     "forecasts": [
       {"id": "a1b2c3d4",                       # optional on import (derived from question+author+created)
        "question": "A trilateral military alliance Russia-DPRK-PRC",
        "author": "A. Commentator",             # the forecaster or the source that published the forecast
        "created_time": "2024-06-20",           # the date the forecast was made
        "probability": 0.7,                     # null = a plain "will happen" (scored as 1.0, said so)
        "close_time": "2025-06-19",             # the deadline
        "resolution_criteria": "triad RUS,CHN,PRK closed by 2025-06-19",   # a foedus rule (below)
        "source": "https://...",                # where the forecast was published (optional)
        "resolution": null | "yes" | "no",
        "resolved_time": null | "2026-12-01",
        "resolution_source": null | "knowledge base" | "manual",
        "resolution_evidence": [ {"query", "answer", "sources"} ... ]}]}

Rules (case-insensitive; states by any name foedus accepts, treaties by any id or name ``foedus treaty``
accepts)::

    triad A,B,C closed by DATE           the three pairs all have defence commitments on some checked date
    STATE member of ORG by DATE          STATE is a member of the organization by the deadline
    invocation of TREATY [Art. N] by DATE  a recorded invocation of the treaty (article) up to the deadline
    defense A B by DATE                  A and B have a defence commitment by the deadline

A rule is decided YES as soon as the record shows it; NO only when the deadline has passed and lies within
what the record covers (today and the register's check date); otherwise the forecast stays open.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import math
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from foedus.errors import BadInputError
from foedus.results import Record, Result

FORMAT = "foedus-forecasts/1"
OUTCOMES = ("yes", "no")


@dataclass
class Forecast:
    question: str
    author: str
    created_time: str
    close_time: str
    resolution_criteria: str
    probability: float | None = None
    source: str | None = None
    id: str = ""
    resolution: str | None = None
    resolved_time: str | None = None
    resolution_source: str | None = None
    resolution_evidence: list[dict] = field(default_factory=list)

    def __post_init__(self):
        if not self.id:
            key = f"{self.question}|{self.author}|{self.created_time}".encode()
            self.id = hashlib.sha1(key).hexdigest()[:8]

    @property
    def scored_probability(self) -> float:
        return 1.0 if self.probability is None else self.probability

    def to_json(self) -> dict:
        return asdict(self)


def _date(text, parameter: str) -> str:
    from foedus.dates import parse_date

    return parse_date(text, parameter).isoformat()


def _probability(value, parameter: str = "--probability") -> float | None:
    if value is None or value == "":
        return None
    try:
        p = float(str(value).rstrip("%")) / (100 if str(value).endswith("%") else 1)
    except ValueError:
        raise BadInputError(parameter, f"'{value}' is not a probability", fix="e.g. 0.7 or 70%") from None
    if not 0 <= p <= 1:
        raise BadInputError(parameter, f"{p} is not between 0 and 1", fix="e.g. 0.7 or 70%")
    return p


def make(question: str, author: str, made, deadline, rule: str, probability=None, source: str | None = None,
         prefix: str = "--") -> Forecast:
    """A validated forecast (the rule is parsed, so a typo is an error now rather than at resolution)."""
    if not str(question or "").strip():
        raise BadInputError(f"{prefix}statement", "give the forecast's statement")
    if not str(author or "").strip():
        raise BadInputError(f"{prefix}author", "give the author or source", fix="e.g. --author 'A. Commentator'")
    created, close = _date(made, f"{prefix}made"), _date(deadline, f"{prefix}deadline")
    if close < created:
        raise BadInputError(f"{prefix}deadline", f"{close} is before the forecast was made ({created})")
    parse_rule(rule, f"{prefix}rule")
    return Forecast(question.strip(), author.strip(), created, close, rule.strip(),
                    _probability(probability, f"{prefix}probability"), source)


# ------------------------------------------------------------------------------------------------ rules

_BY = r"\s+by\s+(?P<by>\d{4}-\d{2}-\d{2})\s*$"
RULES = {
    "triad": re.compile(r"^\s*triad\s+(?P<states>[^\s]+(?:\s*,\s*[^\s,]+){2})\s+closed" + _BY, re.I),
    "member": re.compile(r"^\s*(?P<state>.+?)\s+member\s+of\s+(?P<org>.+?)" + _BY, re.I),
    "invocation": re.compile(r"^\s*invocation\s+of\s+(?P<treaty>.+?)(?:\s+(?:art\.?|article)\s*(?P<article>\d+\w*))?"
                             + _BY, re.I),
    "defense": re.compile(r"^\s*defen[cs]e\s+(?P<a>\S+)\s+(?P<b>\S+)" + _BY, re.I),
}


def parse_rule(rule: str, parameter: str = "--rule") -> tuple[str, dict]:
    for kind, pattern in RULES.items():
        m = pattern.match(str(rule or ""))
        if m:
            parts = m.groupdict()
            _date(parts["by"], parameter)
            return kind, parts
    raise BadInputError(parameter, f"'{rule}' is not a rule foedus can resolve",
                        fix="e.g. 'triad RUS,CHN,PRK closed by 2025-06-19', 'PRK member of CSTO by 2026-12-01', "
                            "'invocation of reg:russia-dprk-2024 Art. 4 by 2025-12-31', "
                            "'defense RUS CHN by 2027-01-01'")


def record_horizon(con) -> dt.date | None:
    """The last date the register was checked (the record says nothing reliable after it)."""
    row = con.execute("SELECT max(json_extract_string(attributes, '$.checked')) FROM treaties "
                      "WHERE dataset = 'register'").fetchone()
    try:
        return dt.date.fromisoformat(row[0][:10]) if row and row[0] else None
    except ValueError:
        return None


def decide(con, rule: str, made: str, today: dt.date) -> tuple[str | None, list[dict], str]:
    """(outcome 'yes'/'no'/None, evidence, explanation) for one rule on `today`."""
    from foedus.naming import StateNames

    kind, parts = parse_rule(rule)
    deadline = dt.date.fromisoformat(parts["by"])
    horizon = record_horizon(con)
    known_to = min(d for d in (today, horizon) if d is not None)
    on = min(deadline, known_to)
    names = StateNames(con)
    evidence: list[dict] = []
    hit = False
    if kind == "triad":
        from foedus.network.answers import triads

        among = [s.strip() for s in parts["states"].split(",")]
        codes = [names.resolve(s, on).code for s in among]
        answer = triads(con, on=on.isoformat(), among=codes, names=names)
        rec = next((r for r in answer if set(r.members) == set(codes)), None)
        hit = rec is not None and rec.kind == "closed"
        from foedus.source import source_text

        sources = [source_text(c.get("source")) for s in (rec.model_dump()["sides"] if rec else [])
                   for c in s["commitments"]]
        evidence.append({"query": f"foedus triads --on {on} --among {','.join(among)}",
                         "answer": rec.explanation if rec else "no defence side among the three",
                         "sources": list(dict.fromkeys(sources))})
    elif kind == "member":
        from foedus.query.organizations import find_organization, memberships_answer

        code = names.resolve(parts["state"], on).code
        org = find_organization(con, parts["org"])
        answer = memberships_answer(con, code, on.isoformat(), names=names)
        mine = [m for m in answer.memberships if m.org_id == org["org_id"] and m.role == "member"]
        hit = bool(mine)
        evidence.append({"query": f"foedus memberships {parts['state']} --on {on}",
                         "answer": ("member since " + str(mine[0].since)) if mine else
                         f"not a member of {org.get('short_name') or org['org_id']} on {on}",
                         "sources": [f"register organizations ({org['org_id']})"]})
    elif kind == "invocation":
        from foedus.query.invocations import invocations

        answer = invocations(con, treaty=parts["treaty"])
        article = parts.get("article")
        events = [e for e in answer.events if (not article or re.sub(r"\D", "", e.article or "") == article)
                  and made[:len(str(e.date))] <= str(e.date) <= on.isoformat()]
        hit = bool(events)
        evidence.append({"query": f"foedus invocations {parts['treaty']}",
                         "answer": "; ".join(f"{e.date}: {e.article} — {e.asked[:160]}" for e in events)
                         or f"no recorded invocation from {made} to {on}",
                         "sources": [e.source.text() for e in events]})
    elif kind == "defense":
        from foedus.query.answers import dyad_answer

        answer = dyad_answer(con, parts["a"], parts["b"], on.isoformat(), names=names)
        rows = [c for c in answer.commitments if "defense" in c.obligations]
        hit = bool(rows)
        evidence.append({"query": f"foedus dyad {parts['a']} {parts['b']} --on {on}",
                         "answer": ", ".join(c.treaty_name or c.treaty_id for c in rows) or "no defence commitment",
                         "sources": [c.source_text for c in rows]})
    if hit:
        return "yes", evidence, f"the record shows it on {on}"
    if deadline <= known_to:
        note = (" (checked on the deadline; for triads and memberships a state of affairs that began and ended "
                "before it is not seen)") if kind in ("triad", "member", "defense") else ""
        return "no", evidence, f"not so by the deadline {deadline}{note}"
    return None, evidence, f"open: the deadline {deadline} is after what the record covers ({known_to})"


# ------------------------------------------------------------------------------------------------ resolution


class Evidence(Record):
    """One piece of a resolution's evidence: the foedus query, its answer, the sources behind it."""

    query: str
    answer: str
    sources: list[str | None]


class ManualResolution(Result):
    """A forecast resolved by hand, with the citation given."""

    id: str
    resolution: str
    explanation: str
    source: str


class RecordResolution(Result):
    """An open forecast checked against the record: decided (``yes``/``no``) or still open (``None``)."""

    id: str
    rule: str
    resolution: str | None
    explanation: str
    evidence: list[Evidence]


class Resolutions(Result):
    """``foedus forecast resolve --json``: the date resolved on and one row per forecast touched."""

    on: str
    results: list[ManualResolution | RecordResolution]


def resolve_by_hand(ledger: Ledger, forecast_id: str, outcome: str | None, source: str | None,
                    day: dt.date) -> Resolutions:
    """Record a cited manual resolution of one forecast in `ledger`."""
    if outcome not in OUTCOMES:
        raise BadInputError("--outcome", "a manual resolution needs --outcome yes or no")
    if not source:
        raise BadInputError("--source", "a manual resolution must cite its source", fix="--source URL")
    with ledger.editing() as forecasts:
        found = [f for f in forecasts if f.id == forecast_id]
        if not found:
            raise BadInputError("--id", f"no forecast {forecast_id} in the ledger", fix="see foedus forecast list")
        f = found[0]
        f.resolution, f.resolved_time, f.resolution_source = outcome, day.isoformat(), "manual"
        f.resolution_evidence = [Evidence(query="manual", answer=outcome, sources=[source]).model_dump()]
    return Resolutions(on=day.isoformat(), results=[
        ManualResolution(id=f.id, resolution=outcome, explanation="resolved by hand", source=source)])


def resolve_from_record(con, ledger: Ledger, day: dt.date) -> Resolutions:
    """Settle every open forecast in `ledger` whose rule the knowledge base decides on `day`; the rest stay
    open (each is still reported, with why)."""
    results = []
    with ledger.editing() as forecasts:
        for f in forecasts:
            if f.resolution in OUTCOMES:
                continue
            outcome, evidence, why = decide(con, f.resolution_criteria, f.created_time, day)
            if outcome:
                f.resolution, f.resolved_time, f.resolution_source = outcome, day.isoformat(), "knowledge base"
                f.resolution_evidence = evidence
            results.append(RecordResolution(id=f.id, rule=f.resolution_criteria, resolution=outcome,
                                            explanation=why, evidence=[Evidence(**e) for e in evidence]))
    return Resolutions(on=day.isoformat(), results=results)


# ------------------------------------------------------------------------------------------------ storage


def ledger_path(db: str | None = None, explicit: str | None = None) -> Path:
    from foedus.config import db_path

    if explicit:
        return Path(explicit)
    if os.environ.get("FOEDUS_FORECASTS"):
        return Path(os.environ["FOEDUS_FORECASTS"])
    database = db_path(db)
    if database == ":memory:":
        raise BadInputError("--ledger", "an in-memory database has no place for the ledger",
                            fix="give --ledger PATH or FOEDUS_FORECASTS")
    return Path(f"{database}.forecasts.json")


class Ledger:
    def __init__(self, path: Path):
        self.path = Path(path)

    def load(self) -> list[Forecast]:
        if not self.path.exists():
            return []
        try:
            payload = json.loads(self.path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise BadInputError("--ledger", f"{self.path} is not valid JSON ({exc})") from None
        return [Forecast(**row) for row in from_exchange(payload, str(self.path))]

    def save(self, forecasts: list[Forecast]) -> None:
        from foedus.atomic import write_text_atomic

        write_text_atomic(self.path, json.dumps(to_exchange(forecasts), indent=2, ensure_ascii=False) + "\n")

    @contextlib.contextmanager
    def editing(self):
        """Load, let the caller change the list, save — under an exclusive lock beside the ledger."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            forecasts = self.load()
            yield forecasts
            self.save(forecasts)
        finally:
            os.close(fd)


def to_exchange(forecasts: list[Forecast]) -> dict:
    return {"format": FORMAT, "forecasts": [f.to_json() for f in forecasts]}


def from_exchange(payload, where: str = "the file") -> list[dict]:
    """Validated rows of an exchange document (see the module docstring)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("forecasts"), list):
        raise BadInputError("FILE", f"{where} is not a forecasts document",
                            fix=f'expected {{"format": "{FORMAT}", "forecasts": [...]}}')
    if payload.get("format") not in (None, FORMAT):
        raise BadInputError("FILE", f"{where}: unknown format {payload.get('format')!r}", fix=f"expected {FORMAT}")
    known = set(Forecast.__dataclass_fields__)
    rows = []
    for i, row in enumerate(payload["forecasts"]):
        if not isinstance(row, dict):
            raise BadInputError("FILE", f"{where}: forecast {i} is not an object")
        extra = set(row) - known
        if extra:
            raise BadInputError("FILE", f"{where}: forecast {i} has unknown fields {sorted(extra)}")
        try:
            f = make(row.get("question"), row.get("author"), row.get("created_time"), row.get("close_time"),
                     row.get("resolution_criteria"), row.get("probability"), row.get("source"),
                     prefix=f"forecasts[{i}].")
        except BadInputError as exc:
            raise BadInputError("FILE", f"{where}: {exc}") from None
        if row.get("resolution") not in (None, *OUTCOMES):
            raise BadInputError("FILE", f"{where}: forecast {i} resolution must be yes, no or null")
        f.id = row.get("id") or f.id
        for key in ("resolution", "resolved_time", "resolution_source"):
            setattr(f, key, row.get(key))
        f.resolution_evidence = list(row.get("resolution_evidence") or [])
        rows.append(asdict(f))
    return rows


class ImportSummary(Result):
    """``foedus forecast import --json``: how many forecasts were added, how many were already there."""

    imported: int
    skipped: int


def import_forecasts(ledger: Ledger, payload, where: str = "the file") -> ImportSummary:
    """Add the forecasts of an exchange document to `ledger`; ids already in it are skipped."""
    rows = [Forecast(**r) for r in from_exchange(payload, where)]
    with ledger.editing() as forecasts:
        have = {f.id for f in forecasts}
        new = [r for r in rows if r.id not in have]
        forecasts.extend(new)
    return ImportSummary(imported=len(new), skipped=len(rows) - len(new))


class LedgerView(Result):
    """``GET /api/forecasts``: the ledger's file name (never its path; ``None`` without one), the exchange
    document's keys (``format``, ``forecasts``) and :func:`score`."""

    ledger: str | None
    format: str
    forecasts: list[dict]
    score: dict


def ledger_view(db: str) -> LedgerView:
    """The read-only view of the ledger beside database `db` (or ``FOEDUS_FORECASTS``): an in-memory database
    without ``FOEDUS_FORECASTS`` has no ledger, so the view is empty. Never resolves or writes."""
    if db == ":memory:" and not os.environ.get("FOEDUS_FORECASTS"):
        forecasts, where = [], None
    else:
        path = ledger_path(db)
        forecasts, where = Ledger(path).load(), path.name
    return LedgerView(ledger=where, **to_exchange(forecasts), score=score(forecasts))


# ------------------------------------------------------------------------------------------------ scores

LOG_FLOOR = 1e-6


def score(forecasts: list[Forecast], bins: int = 10) -> dict:
    """Brier and log scores per author over resolved forecasts, a calibration table, counts.

    Brier = (p - o)^2 (0 best, 1 worst); log score = ln(p) if it happened else ln(1 - p), with p clipped
    to [1e-6, 1 - 1e-6] so a certainty that failed costs ln(1e-6) = -13.8 instead of minus infinity.
    A plain "will happen" (no probability) is scored as p = 1.
    """
    resolved = [f for f in forecasts if f.resolution in OUTCOMES]
    authors: dict[str, dict] = {}
    for f in forecasts:
        a = authors.setdefault(f.author, {"author": f.author, "resolved": 0, "open": 0, "brier": 0.0, "log": 0.0,
                                          "plain_will_happen": 0})
        if f.probability is None:
            a["plain_will_happen"] += 1
        if f.resolution not in OUTCOMES:
            a["open"] += 1
            continue
        o = 1.0 if f.resolution == "yes" else 0.0
        p = f.scored_probability
        clipped = min(max(p, LOG_FLOOR), 1 - LOG_FLOOR)
        a["resolved"] += 1
        a["brier"] += (p - o) ** 2
        a["log"] += math.log(clipped if o else 1 - clipped)
    for a in authors.values():
        n = a["resolved"]
        a["brier"] = round(a["brier"] / n, 4) if n else None
        a["log"] = round(a["log"] / n, 4) if n else None
    table = []
    for i in range(bins):
        lo, hi = i / bins, (i + 1) / bins
        inside = [f for f in resolved if lo <= f.scored_probability < hi or (i == bins - 1 and f.scored_probability
                                                                             == 1.0)]
        table.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": len(inside),
                      "mean_probability": round(sum(f.scored_probability for f in inside) / len(inside), 3)
                      if inside else None,
                      "observed": round(sum(f.resolution == "yes" for f in inside) / len(inside), 3)
                      if inside else None})
    return {"resolved": len(resolved), "open": len(forecasts) - len(resolved),
            "authors": sorted(authors.values(), key=lambda a: a["author"]), "calibration": table,
            "notes": ["a plain 'will happen' (no probability) is scored as probability 1",
                      f"log scores clip probabilities to [{LOG_FLOOR}, 1 - {LOG_FLOOR}]"]}


def plot_calibration(result: dict, out: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from foedus.atomic import atomic_path

    rows = [r for r in result["calibration"] if r["n"]]
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfect calibration")
    ax.scatter([r["mean_probability"] for r in rows], [r["observed"] for r in rows],
               s=[40 * r["n"] for r in rows], label="forecasts (size = count)")
    ax.set_xlabel("forecast probability")
    ax.set_ylabel("observed frequency")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left")
    with atomic_path(out) as tmp:
        fig.savefig(tmp)
    plt.close(fig)
