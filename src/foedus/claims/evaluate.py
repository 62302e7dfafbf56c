"""Judge a typed :class:`~foedus.claims.extract.Claim` with the library's own queries.

Verdicts: ``supported``, ``contradicted``, ``overstated`` (true in part), ``disputed`` (the record's sources
disagree on the point the claim rests on) and ``unverifiable`` (outside what the knowledge base records, or a
possibility it cannot judge). Each verdict carries its evidence — the query run (written as the foedus
command that shows it), a summary of the answer and its sources — and a one-line explanation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from foedus.claims.extract import Claim
from foedus.errors import FoedusError

VERDICTS = ("supported", "contradicted", "overstated", "disputed", "unverifiable")
DPRK = 731


@dataclass
class Verdict:
    verdict: str
    explanation: str
    evidence: list[dict] = field(default_factory=list)


@dataclass
class Judged:
    claim: Claim
    verdict: str
    explanation: str
    evidence: list[dict]

    def to_json(self) -> dict:
        """The contract of `foedus check --json`: text, start, end, kind, verdict, explanation, evidence."""
        return {"text": self.claim.text, "start": self.claim.start, "end": self.claim.end, "kind": self.claim.kind,
                "verdict": self.verdict, "explanation": self.explanation, "evidence": self.evidence}


def _evidence(query: str, answer: str, sources, claim: Claim | None = None) -> dict:
    out = {"query": query, "answer": answer, "sources": [s for s in dict.fromkeys(x for x in sources if x)]}
    if claim is not None:
        out["claim"] = {k: v for k, v in claim.to_json().items() if k not in ("text", "start", "end")}
    return out


class Checker:
    """Evaluates claims against one store; `today` is what "now" means (default: foedus.dates.today())."""

    def __init__(self, con, today: dt.date | None = None):
        from foedus.dates import today as clock
        from foedus.naming import StateNames

        self.con = con
        self.today = today or clock()
        self.names = StateNames(con)
        self._regime = None

    # ------------------------------------------------------------------ helpers
    def name(self, code: int) -> str:
        return self.names.name(code)

    def abbr(self, code: int) -> str:
        return self.names.abbr(code)

    def regime(self):
        if self._regime is None:
            from foedus.sanctions.load import load_regime

            self._regime = load_regime()
        return self._regime

    def day(self, claim: Claim) -> dt.date:
        """The date a claim speaks of: its full date, the end of its year (or today within it), or today."""
        if claim.on and len(claim.on) == 10:
            return dt.date.fromisoformat(claim.on)
        year = claim.year or (int(claim.on[:4]) if claim.on else None)
        if year:
            end = dt.date(year, 12, 31)
            return min(end, self.today) if year == self.today.year else end
        return self.today

    def _periods(self, a: int, b: int):
        from foedus.query.history import history_answer

        return [p for p in history_answer(self.con, a, b, names=self.names) if p.from_ccode == a]

    def _treaty(self, tid: str):
        from foedus.query.treaty import treaty_answer

        return treaty_answer(self.con, tid)

    @staticmethod
    def _year(text: str | None) -> int | None:
        return int(text[:4]) if text and text[:4].isdigit() else None

    def treaty_years(self, tid: str) -> set[int]:
        t = self._treaty(tid)
        return {y for y in (self._year(t.begin), self._year(t.attributes.get("signed")),
                            self._year(t.attributes.get("in_force"))) if y}

    def find_treaty(self, claim: Claim) -> tuple[str | None, list]:
        """The treaty a claim means, and its periods between the two parties (A→B): a name the store knows,
        else the pair's treaty of the claim's treaty year, else (for dated events) of the event's year."""
        from foedus.query.treaty import find_treaty

        parties = claim.parties or claim.subjects
        periods = self._periods(*parties[:2]) if len(parties) >= 2 else []
        if claim.treaty and not claim.treaty.lower().startswith("the "):
            try:
                tid = find_treaty(self.con, claim.treaty)
                return tid, [p for p in periods if p.treaty_id == tid]
            except FoedusError:
                pass
        year = claim.treaty_year or (claim.year if claim.kind == "event" else None)
        every = list(dict.fromkeys(p.treaty_id for p in periods if p.treaty_id))
        tids = [t for t in every if year in self.treaty_years(t)] if year else every
        if not tids and claim.kind == "event" and year:
            # a wrong date is still a claim about a treaty: the pair's treaty dated nearest (within two years)
            near = sorted((min(abs(y - year) for y in self.treaty_years(t)), t) for t in every if self.treaty_years(t))
            tids = [near[0][1]] if near and near[0][0] <= 2 else []
        if claim.kind == "invocation" and (not year or not tids):
            tids = [t for t in every if any("defense" in p.obligations for p in periods if p.treaty_id == t)][-1:]
        if not tids:
            return None, []
        tid = tids[-1]
        return tid, [p for p in periods if p.treaty_id == tid]

    def _pair_text(self, claim: Claim) -> str:
        return " ".join(self.abbr(s) for s in (claim.parties or claim.subjects)[:2])

    # ------------------------------------------------------------------ the claim kinds
    def judge(self, claim: Claim) -> Judged:
        try:
            found = getattr(self, f"_{claim.kind}")(claim)
        except FoedusError as exc:
            found = Verdict("unverifiable", f"the knowledge base cannot answer this: {exc}", [])
        if claim.from_context:
            found.explanation += f" (read with the {', '.join(dict.fromkeys(claim.from_context))} of earlier sentences)"
        for item in found.evidence:
            item.setdefault("claim", {k: v for k, v in claim.to_json().items() if k not in ("text", "start", "end")})
        return Judged(claim, found.verdict, found.explanation, found.evidence)

    def _defence_clause(self, claim: Claim) -> Verdict:
        parties = claim.parties or claim.subjects
        if len(parties) < 2:
            return Verdict("unverifiable", "the claim does not name two parties", [])
        query = f"foedus history {self._pair_text(claim)}"
        if not claim.treaty_year and not claim.treaty:
            return self._allied(claim, defence_only=True)
        tid, periods = self.find_treaty(claim)
        a, b = parties[:2]
        if tid is None:
            return Verdict("unverifiable", f"no treaty of {claim.treaty_year or '?'} between {self.name(a)} and "
                           f"{self.name(b)} in the record", [_evidence(query, "no matching treaty", [])])
        t = self._treaty(tid)
        defence = [p for p in periods if "defense" in p.obligations]
        has = bool(defence)
        article = next((p.articles.get("defense") for p in defence if p.articles.get("defense")), None)
        label = t.name or tid
        summary = "; ".join(f"{p.start}–{p.end or 'in force'}: {', '.join(p.obligations) or 'none'}" for p in periods)
        sources = [p.source_text for p in periods] + [t.source.text()]
        ev = [_evidence(f"{query}; foedus treaty {tid}", f"{label}: {summary}", sources)]
        what = f"{label} {'has' if has else 'has no'} defence clause" + (f" ({article})" if article else "")
        if claim.relation == "restores_defence":
            if not has:
                return Verdict("contradicted", f"{what}, so it restores none", ev)
            first = min(p.start or "" for p in defence)
            earlier = [p for p in self._periods(a, b) if "defense" in p.obligations and (p.end or "9999") <= first]
            if not earlier:
                return Verdict("overstated", f"{what}, but no earlier defence commitment between the two is recorded",
                               ev)
            gap = [p for p in self._periods(a, b) if "defense" not in p.obligations and p.start
                   and earlier[-1].end and p.start >= earlier[-1].end and p.start < first]
            prior = earlier[-1]
            ev.append(_evidence(query, f"earlier: {prior.treaty_name or prior.treaty_id} {prior.start}–{prior.end}",
                                [prior.source_text]))
            return Verdict("supported", f"{what}; the earlier defence clause of {prior.treaty_name or prior.treaty_id} "
                           f"ended {prior.end}" + (f", and {len(gap)} period(s) without one followed" if gap else ""),
                           ev)
        if claim.polarity and claim.modality == "now" and has:
            live = [p for p in defence if p.end is None or p.end > self.today.isoformat()]
            if not live:
                return Verdict("contradicted", f"{what}, but it ended {max(p.end for p in defence)}", ev)
            return Verdict("supported", f"{what}, in force on {self.today} ({live[0].status})", ev)
        if has == claim.polarity:
            return Verdict("supported", what, ev)
        return Verdict("contradicted", what + (f" (its obligations: {', '.join(periods[0].obligations) or 'none'})"
                                               if periods else ""), ev)

    def _commitments(self, a: int, b: int, on: dt.date):
        from foedus.query.answers import dyad_answer

        answer = dyad_answer(self.con, a, b, on.isoformat(), names=self.names)
        rows = [c.model_dump() for c in answer.commitments]
        return rows

    def _allied(self, claim: Claim, defence_only: bool = False) -> Verdict:
        a, b = (claim.parties or claim.subjects)[:2]
        on = self.day(claim)
        rows = self._commitments(a, b, on)
        defence = [r for r in rows if "defense" in r["obligations"]]
        known = [r for r in defence if r.get("tier") in (None, "confirmed", "presumed")]
        weaker = sorted({o for r in rows for o in r["obligations"]} - {"defense"})
        query = f"foedus dyad {self.abbr(a)} {self.abbr(b)} --on {on}"
        summary = "; ".join(f"{r['treaty_name'] or r['treaty_id']} ({', '.join(r['obligations'])}, "
                            f"{r.get('tier') or r['status']})" for r in rows) or "no commitment recorded"
        ev = [_evidence(query, summary, [r.get("source_text") for r in rows])]
        who = f"{self.name(a)} and {self.name(b)}"
        if claim.modality == "may":
            state = "allied" if known else "not allied"
            return Verdict("unverifiable", f"a possibility the record cannot judge; on {on} {who} are {state}", ev)
        if known:
            names = ", ".join(dict.fromkeys(r["treaty_name"] or r["treaty_id"] for r in known))
            text = f"on {on} {who} have a defence commitment ({names})"
            return Verdict("supported" if claim.polarity else "contradicted", text, ev)
        if defence:
            return Verdict("disputed", f"a defence commitment between {who} is recorded, but its status on {on} is "
                           "unknown (past the dataset, not confirmed by the register)", ev)
        if not claim.polarity:
            extra = f"; they are bound only by {', '.join(weaker)}" if weaker else ""
            return Verdict("supported", f"on {on} {who} have no defence commitment{extra}", ev)
        if weaker:
            return Verdict("overstated", f"on {on} {who} are bound only by {', '.join(weaker)}, not by a defence "
                           "commitment", ev)
        return Verdict("contradicted", f"on {on} no commitment between {who} is recorded", ev)

    def _triangle(self, claim: Claim) -> Verdict:
        from foedus.network.answers import triads

        on = self.day(claim)
        among = claim.subjects[:3]
        answer = triads(self.con, on=on.isoformat(), among=[str(s) for s in among], names=self.names)
        query = f"foedus triads --on {on} --among {','.join(self.abbr(s) for s in among)}"
        records = [r for r in answer if set(r.members) == set(among)]
        who = "–".join(self.abbr(s) for s in among)
        if not records:
            ev = [_evidence(query, "no defence side among the three", [])]
            return Verdict("supported" if not claim.polarity else "contradicted",
                           f"on {on} no pair of {who} has a defence commitment", ev)
        r = records[0]
        missing = [s for s in r.sides if s.defense in ("none", None, "")]
        sources = [_source_line(c) for s in r.model_dump()["sides"] for c in s["commitments"]][:8]
        ev = [_evidence(query, f"{r.kind}: {r.explanation}", sources)]
        if claim.modality == "may":
            return Verdict("unverifiable", f"a possibility; on {on} the {who} triangle is {r.kind}", ev)
        closed = r.kind == "closed"
        text = (f"on {on} the {who} triangle is closed: every pair has a defence commitment" if closed else
                f"on {on} the {who} triangle is {r.kind}: " + ", ".join(
                    "–".join(self.abbr(x) for x in s.pair) for s in missing) + " have no defence commitment")
        return Verdict("supported" if closed == claim.polarity else "contradicted", text, ev)

    def _membership(self, claim: Claim) -> Verdict:
        from foedus.query.organizations import memberships_answer

        state = claim.subjects[0]
        on = self.day(claim)
        answer = memberships_answer(self.con, state, on.isoformat(), names=self.names) if _accepts_names() else \
            memberships_answer(self.con, state, on.isoformat())
        mine = [m for m in answer.memberships if m.org_id == claim.object]
        query = f"foedus memberships {self.abbr(state)} --on {on}"
        org = (mine[0].short_name if mine else claim.object.upper())
        listed = ", ".join(f"{m.short_name or m.org_id} ({m.role}, {m.status})" for m in answer.memberships) or "none"
        sources = [n.source.text() for m in mine for n in m.status_notes] + [f"register organizations ({org})"]
        ev = [_evidence(query, f"memberships on {on}: {listed}", sources)]
        who = self.name(state)
        member = [m for m in mine if m.role == "member"]
        if claim.modality == "may":
            if member:
                return Verdict("contradicted", f"{who} is already a member of {org} on {on}", ev)
            return Verdict("unverifiable", f"a possibility the record cannot judge; on {on} {who} is not a member of "
                           f"{org}", ev)
        if member:
            status = member[0].status
            note = f" (status: {status}; {member[0].note})" if status not in ("active", None, "member") else ""
            return Verdict("supported" if claim.polarity else "contradicted",
                           f"on {on} {who} is a member of {org}{note}", ev)
        if mine:
            return Verdict("overstated" if claim.polarity else "supported",
                           f"on {on} {who} is a {mine[0].role} of {org}, not a member", ev)
        return Verdict("contradicted" if claim.polarity else "supported", f"on {on} {who} is not a member of {org}", ev)

    def _invocation(self, claim: Claim) -> Verdict:
        if claim.relation == "invoked":
            return self._invoked(claim)
        tid, periods = self.find_treaty(claim)
        if tid is None:
            return Verdict("unverifiable", "no treaty between the parties named is recorded", [])
        t = self._treaty(tid)
        members = {m.ccode for m in t.members}
        attacked = claim.subjects[0] if claim.subjects else None
        cond = (t.attributes.get("condition_text") or {}).get("defense")
        article = (t.attributes.get("articles") or {}).get("defense")
        ev = [_evidence(f"foedus treaty {tid}", f"{t.name}: obligations {', '.join(t.obligations)}; defence "
                        f"{article or ''} {cond or ''}".strip(), [t.source.text()])]
        if "defense" not in t.obligations:
            return Verdict("contradicted", f"{t.name} has no defence clause to invoke", ev)
        if attacked is not None and attacked not in members:
            return Verdict("contradicted", f"{self.name(attacked)} is not a party to {t.name}", ev)
        others = ", ".join(self.name(m) for m in sorted(members - {attacked}))
        conditions = sorted({c for p in periods if "defense" in p.obligations for c in p.conditions
                             if ":" not in c or c.startswith("defense:")})
        live = [p for p in periods if "defense" in p.obligations and (p.end is None or p.end > self.today.isoformat())]
        if not live:
            return Verdict("contradicted", f"the defence clause of {t.name} is not in force on {self.today}", ev)
        text = f"{article or 'its defence clause'} obliges {others} if {self.name(attacked)} is attacked"
        if conditions:
            return Verdict("overstated", text + f", but only under conditions: {', '.join(conditions)}", ev)
        if cond:
            return Verdict("supported", text + " (armed attack; the treaty's wording is quoted in the evidence)", ev)
        return Verdict("supported", text, ev)

    def _invoked(self, claim: Claim) -> Verdict:
        from foedus.query.invocations import invocations

        state = claim.subjects[0] if claim.subjects else None
        answer = invocations(self.con, state=state)
        query = "foedus invocations" + (f" {self.abbr(state)}" if state else "")

        def fits(e) -> bool:
            article = (claim.article or "").lower()
            ok_article = not article or article in "".join(ch for ch in (e.article or "").lower() if ch.isdigit()
                                                           or ch.isalpha()) or e.article.lower().endswith(article)
            ok_year = not claim.year or str(e.date or "").startswith(str(claim.year))
            return ok_article and ok_year and (state is None or state in e.invoked_by or state in e.parties)

        hits = [e for e in answer.events if fits(e)]
        if not hits:
            listed = "; ".join(f"{e.date} {e.treaty_name} {e.article}" for e in answer.events) or "none recorded"
            return Verdict("unverifiable", "no such invocation is recorded (the register lists only documented ones)",
                           [_evidence(query, listed, [])])
        e = hits[0]
        ev = [_evidence(query, f"{e.date}: {e.treaty_name}, {e.article}: {e.asked}", [e.source.text()])]
        verdict = "disputed" if e.uncertain else "supported"
        return Verdict(verdict, f"recorded: {', '.join(self.name(c) for c in e.invoked_by)} applied {e.article} of "
                       f"{e.treaty_name} ({e.date})", ev)

    def _sanctions(self, claim: Claim) -> Verdict:
        from foedus.sanctions import report

        regime = self.regime()
        if DPRK not in claim.subjects and "korea" not in claim.text.lower() and "dprk" not in claim.text.lower():
            return Verdict("unverifiable", f"foedus records only the {regime.name}", [])
        on = self.day(claim)
        other = next((s for s in claim.subjects if s != DPRK), 710)
        if claim.object == "any_trade":
            result = report.permitted(regime, on=on)
            counts = result.counts
            free = {d: c.get("permitted", 0) + c.get("partial", 0) for d, c in counts.items()}
            ev = [_evidence(f"foedus sanctions permitted --on {on}", f"HS chapters by status: {counts}",
                            [result.nomenclature.get("title") if isinstance(result.nomenclature, dict) else None,
                             regime.name])]
            if any(free.values()):
                text = (f"on {on} " + " and ".join(f"{n} HS chapters {d.replace('_', ' ')}" for d, n in free.items())
                        + " remain wholly or partly permitted")
                return Verdict("overstated" if claim.relation == "prohibits" else "supported", text, ev)
            return Verdict("supported" if claim.relation == "prohibits" else "contradicted",
                           f"on {on} no HS chapter remains permitted", ev)
        labour = claim.object == "labour"
        to_dprk = claim.modality == "to_dprk"
        from_, to = (other, DPRK) if to_dprk else (DPRK, other)
        kwargs = {"labour": True} if labour else {"item": claim.object}
        result = report.check(regime, from_=str(from_), to=str(to), on=on.isoformat(), **kwargs).to_json()
        what = "DPRK labour" if labour else f"'{claim.object}'"
        cites = [f"{m.get('symbol')} para {m.get('paragraph')} {m.get('url') or ''}".strip()
                 for m in result.get("measures") or []]
        hs = result.get("hs_reading") or {}
        reading = f" read as HS {hs.get('code')}" if hs.get("code") else ""
        direction = f"{self.abbr(from_)} → {self.abbr(to)}"
        ev = [_evidence(f"foedus sanctions check --from {self.abbr(from_)} --to {self.abbr(to)} --on {on} "
                        + ("--labour" if labour else f"--item '{claim.object}'"),
                        f"{result['verdict']} ({direction}{reading})", cites)]
        v = result["verdict"]
        says = {"prohibits": "prohibited", "allows": "permitted"}[claim.relation]
        text = f"{what} ({direction}) on {on}: {v}" + (f" by {', '.join(c.split(' http')[0] for c in cites)}"
                                                       if cites else "")
        if v == says:
            return Verdict("supported", text, ev)
        if v in ("exempt", "conditional"):
            return Verdict("overstated", text, ev)
        return Verdict("contradicted", text, ev)

    def _trade(self, claim: Claim) -> Verdict:
        from foedus.sanctions import report

        a, b = claim.subjects[:2]
        if claim.year is None:
            return Verdict("unverifiable", "the claim gives no year", [])
        reporter, partner = (a, b) if b == DPRK else (b, a)
        result = report.trade_assess(claim.amount, str(reporter), claim.year, partner=str(partner)).to_json()
        compared = result.get("compared") or []
        explanation = result.get("explanation") or result.get("verdict")
        ev = [_evidence(f"foedus sanctions trade --reporter {self.abbr(reporter)} --year {claim.year} "
                        f"--assess '{claim.amount}'", explanation,
                        [f"{c.get('source')} {c.get('url') or ''}".strip() for c in compared])]
        if result.get("verdict") == "consistent":
            return Verdict("supported", explanation, ev)
        if result.get("verdict") == "no figure" or not compared:
            return Verdict("unverifiable", explanation, ev)
        statuses = {c.get("consistent") for c in compared}
        if True in statuses and False in statuses:
            return Verdict("disputed", explanation, ev)
        return Verdict("contradicted", explanation, ev)

    def _event(self, claim: Claim) -> Verdict:
        tid, periods = self.find_treaty(claim)
        if tid is None:
            return Verdict("unverifiable", "no treaty between the parties named matches", [])
        t = self._treaty(tid)
        field_name = {"signed": "signed", "in_force": "in_force", "ended": "end"}[claim.relation]
        recorded = t.end if field_name == "end" else (t.attributes.get(field_name) or
                                                      (t.begin if field_name == "signed" else None))
        if field_name == "end" and periods:
            ends = [p.end for p in periods if p.end]
            recorded = recorded or (max(ends) if ends else None)
        sources = [t.source.text()] + [p.source_text for p in periods[:2]]
        ev = [_evidence(f"foedus treaty {tid}", f"{t.name}: signed {t.attributes.get('signed') or t.begin}, in force "
                        f"{t.attributes.get('in_force') or t.begin}, end {t.end or 'none'}", sources)]
        claimed = claim.on or (str(claim.year) if claim.year else None)
        word = {"signed": "signed", "in_force": "in force from", "ended": "ended"}[claim.relation]
        if not recorded:
            return Verdict("unverifiable", f"the record gives no date on which {t.name} {word.split()[0]}", ev)
        readings = [r for p in periods for r in p.readings if r.get("field") == "end"] if field_name == "end" else []
        values = {str(r.get("value"))[:len(claimed)] for r in readings}
        if len(values) > 1 and claimed:
            ev.append(_evidence(f"foedus history {self._pair_text(claim)}", "readings: " + "; ".join(
                f"{r.get('value')}: {r.get('claim')}" for r in readings), [
                s.get("url") or s.get("title") for r in readings for s in r.get("sources", [])]))
            return Verdict("disputed", f"the sources disagree on when {t.name} ended: "
                           f"{', '.join(sorted(values))}", ev)
        if claimed and str(recorded).startswith(claimed[:len(str(recorded))][:len(claimed)]):
            return Verdict("supported", f"{t.name} {word} {recorded}", ev)
        return Verdict("contradicted", f"{t.name} {word} {recorded}, not {claimed}", ev)


def _source_line(commitment: dict) -> str | None:
    from foedus.source import source_text

    return commitment.get("source_text") or source_text(commitment.get("source"))


def _accepts_names() -> bool:
    import inspect

    from foedus.query.organizations import memberships_answer

    return "names" in inspect.signature(memberships_answer).parameters


def check_text(con, text: str, fmt: str = "text", today: dt.date | None = None, gazetteer=None,
               nlp=None) -> tuple[str, list]:
    """Extract and judge every claim in `text`: (the plain text the offsets point into, [Judged, ...]).
    `gazetteer` and `nlp` (:func:`foedus.claims.extract.build_pipeline`) may be kept between calls."""
    from foedus.claims.extract import Gazetteer, extract, plain_text

    plain = plain_text(text, fmt)
    gazetteer = gazetteer or Gazetteer.from_store(con)
    checker = Checker(con, today)
    return plain, [checker.judge(c) for c in extract(plain, gazetteer, nlp)]


def check_article(con, text: str, fmt: str | None = None, today: dt.date | None = None, gazetteer=None, nlp=None):
    """:func:`check_text` as the typed ``POST /api/check`` answer (:class:`foedus.claims.report.CheckAnswer`):
    the plain text, 'now' (`today`, default the current date), the counts per verdict and the claims."""
    from foedus.claims.extract import detect_format
    from foedus.claims.report import check_answer
    from foedus.dates import today as current_date

    plain, judged = check_text(con, text, fmt or detect_format(text), today, gazetteer, nlp)
    return check_answer(plain, (today or current_date()).isoformat(), judged)
