"""Apply suppositions to an in-memory copy of the store; the store itself is never written.

:func:`apply` copies the database the connection reads into a new in-memory DuckDB database and writes each
supposed fact into the copy's register tables the way the register writer (:mod:`foedus.register.store`) writes
real entries, every row sourced to a ``sources`` row of kind 'register' whose file is ``supposition`` and whose
entry is ``supposition:N`` (:class:`foedus.source.Source` reads it as kind 'supposition', ``hypothetical: true``,
text ``HYPOTHETICAL: ...``). Then every query runs unchanged against the copy:

- ``STATE joins ORG`` adds an ``org_memberships`` row (its note says HYPOTHETICAL) and, when the organization has a
  treaty, an accession to it: for a dataset (ATOP) treaty a register accession (a ``reg:`` treaty extending it,
  which inherits the obligations and conditions the dataset codes for the members of the phase in force, toward
  every member); for a register treaty a commitment row with the coding most of its members have.
- ``STATE leaves ORG`` ends the membership and adds a register termination of the treaty for that member on the
  date (both directions end, as pairs need both sides).
- ``TYPES A B ... from D`` adds a register treaty ``reg:supposition-N`` with those obligations.
- ``end TREATY on D`` adds a register termination for every member (and ends later dataset exits on D).
- ``suspend A B [TREATY] from D [until E]`` ends a bilateral treaty's commitments on D (a termination) and, with
  an until date, resumes them on E under ``reg:supposition-N-resumed`` with the same coding.

The copy's ``imports`` gets a row ``supposition`` (same latest import time, a row count from the suppositions'
hash) so the interval cache (:func:`foedus.query.intervals.fingerprint`) keys the supposed world apart from the
real one; ``meta`` gets ``supposition`` = the hash and the table ``suppositions`` lists what was applied.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from foedus.errors import BadInputError, FoedusError
from foedus.source import SUPPOSITION
from foedus.store.schema import OBLIGATIONS
from foedus.suppose.grammar import FIX, PARAMETER, Supposition, parse

_APPLIED_DDL = """
CREATE TABLE IF NOT EXISTS suppositions (
    n INTEGER PRIMARY KEY, text VARCHAR NOT NULL, kind VARCHAR NOT NULL, entry VARCHAR NOT NULL,
    facts JSON NOT NULL, source_id BIGINT NOT NULL
)
"""


@dataclass
class Applied:
    """One supposition as applied: what it resolved to and which rows it wrote."""

    n: int
    supposition: Supposition
    entry: str
    facts: list[str] = field(default_factory=list)
    states: tuple[int, ...] = ()
    org_id: str | None = None
    treaty_id: str | None = None

    def to_json(self) -> dict:
        return {
            "n": self.n,
            **self.supposition.to_json(),
            "entry": self.entry,
            "label": self.supposition.label,
            "ccodes": list(self.states),
            "org_id": self.org_id,
            "treaty_id": self.treaty_id,
            "facts": self.facts,
        }


# --------------------------------------------------------------------------------------------- the copy


def _path(con) -> str | None:
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return row[0] if row and row[0] else None


def copy_store(con) -> duckdb.DuckDBPyConnection:
    """An in-memory copy of the database `con` reads (every table and sequence)."""
    copy = duckdb.connect(":memory:")
    path = _path(con)
    try:
        if path:
            quoted = path.replace("'", "''")
            copy.execute(f"ATTACH '{quoted}' AS suppose_base (READ_ONLY)")
            copy.execute("COPY FROM DATABASE suppose_base TO memory")
            copy.execute("DETACH suppose_base")
            return copy
        # an in-memory store (tests, the Python API): copy table by table
        for (sql,) in con.execute(
            "SELECT sql FROM duckdb_sequences() WHERE database_name = current_database()"
        ).fetchall():
            copy.execute(sql)
        tables = con.execute(
            "SELECT table_name, sql FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main'"
        ).fetchall()
        for name, sql in tables:
            copy.execute(sql)
            frame = con.execute(f'SELECT * FROM "{name}"').arrow()
            copy.register("_suppose_copy", frame)
            copy.execute(f'INSERT INTO "{name}" SELECT * FROM _suppose_copy')
            copy.unregister("_suppose_copy")
    except BaseException:
        copy.close()
        raise
    return copy


# --------------------------------------------------------------------------------------------- resolving


def _fail(s: Supposition, message: str) -> BadInputError:
    return BadInputError(PARAMETER, f"'{s.text}': {message}", fix=FIX)


def _state(names, s: Supposition, text: str) -> int:
    from foedus.naming import code_for

    try:
        return code_for(names, text, s.start, PARAMETER)
    except FoedusError as exc:
        raise _fail(s, str(exc).removeprefix(f"{PARAMETER}: ")) from None


def _org_or_treaty(con, s: Supposition) -> tuple[dict | None, str | None]:
    """(organization row or None, treaty id or None) that the subject names."""
    from foedus.query.organizations import find_organization

    try:
        org = find_organization(con, s.subject)
        return org, org["treaty_id"] if isinstance(org["treaty_id"], str) else None
    except FoedusError as org_error:
        try:
            return None, _treaty(con, s, s.subject)
        except BadInputError as treaty_error:
            raise _fail(s, f"'{s.subject}' is neither an organization ({org_error}) nor a treaty "
                           f"({treaty_error.message.split(': ', 1)[-1]})") from None


def _treaty(con, s: Supposition, text: str) -> str:
    from foedus.query.treaty import find_treaty

    try:
        return find_treaty(con, text)
    except FoedusError as exc:
        raise _fail(s, str(exc)) from None


def _day(value) -> dt.date | None:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


# --------------------------------------------------------------------------------------------- writing


class _Writer:
    def __init__(self, copy, names, base):
        self.copy, self.names, self.base = copy, names, base
        self.next_source = copy.execute("SELECT coalesce(max(source_id), 0) + 1 FROM sources").fetchone()[0]

    def abbr(self, code: int) -> str:
        return self.names.abbr(code) if hasattr(self.names, "abbr") else str(code)

    # -- helpers

    def source(self, n: int, s: Supposition) -> int:
        sid = self.next_source
        self.next_source += 1
        self.copy.execute(
            "INSERT INTO sources VALUES (?, 'register', ?, ?, ?, NULL, ?, ?)",
            [sid, SUPPOSITION, s.start.isoformat(), SUPPOSITION, f"{SUPPOSITION}:{n}", s.text],
        )
        return sid

    def insert(self, table: str, rows: list[dict], source_id: int) -> None:
        from foedus.register.store import _insert

        _insert(self.copy, table, [{**row, "source_id": source_id} for row in rows])

    def rows(self):
        from foedus.register.store import _Rows

        return _Rows(self.next_source)

    def flush(self, rows, source_id: int) -> None:
        for table, table_rows in rows.tables.items():
            self.insert(table, table_rows, source_id)

    @staticmethod
    def citation(s: Supposition):
        from foedus.register.model import Citation

        return [Citation(title=s.label, issuer="foedus --suppose (not a fact)", date=s.start.isoformat())]

    def live(self, tid: str, on: dt.date, members: list[int] | None = None) -> pd.DataFrame:
        """Commitment rows of `tid` (and of register accessions extending it) in force on `on`."""
        frame = self.copy.execute(
            """SELECT c.*, coalesce(json_extract_string(t.attributes, '$.extends'), c.treaty_id) AS pair_id
               FROM commitments c LEFT JOIN treaties t USING (treaty_id)
               WHERE coalesce(json_extract_string(t.attributes, '$.extends'), c.treaty_id) = $tid
                 AND c.entry_date <= $on AND (c.exit_date IS NULL OR $on < c.exit_date)
               ORDER BY c.phase, c.member""",
            {"tid": tid, "on": on},
        ).df()
        ended = self.copy.execute(
            "SELECT members FROM treaty_events WHERE treaty_id = $tid AND action = 'termination' "
            "AND event_date <= $on",
            {"tid": tid, "on": on},
        ).fetchall()
        for (who,) in ended:
            frame = frame[~frame.member.isin(list(who))] if who is not None else frame.iloc[0:0]
        if members is not None:
            frame = frame[frame.member.isin(members)]
        return frame.reset_index(drop=True)

    def terminate(self, n: int, k: int, s: Supposition, tid: str, members: list[int] | None, on: dt.date,
                  source_id: int) -> str:
        """A register termination of `tid` on `on` (for `members`, else all), and earlier exits for later ones."""
        event = f"{SUPPOSITION}-{n}-end-{k}"
        self.insert(
            "treaty_events",
            [{
                "event_id": event, "treaty_id": tid, "action": "termination", "members": members,
                "event_date": on, "event_precision": "day",
                # an empty confirmation window: a supposed end confirms nothing before it
                "in_force_from": on, "in_force_until": on, "term_end": None, "ended_by": None, "name": None,
                "articles": None, "uncertain": False, "readings": None, "note": s.label, "checked": on,
            }],
            source_id,
        )
        who = "" if members is None else " AND member IN (SELECT unnest($members))"
        params = {"tid": tid, "on": on, **({} if members is None else {"members": members})}
        self.copy.execute(
            f"""UPDATE commitments SET exit_date = greatest(entry_date, $on), exit_precision = 'day'
                WHERE (treaty_id = $tid OR treaty_id IN (
                        SELECT treaty_id FROM treaties WHERE json_extract_string(attributes, '$.extends') = $tid))
                  AND exit_date IS NOT NULL AND exit_date > $on{who}""",
            params,
        )
        return event

    # -- the kinds

    def join(self, n: int, s: Supposition, applied: Applied, source_id: int) -> None:
        code = _state(self.names, s, s.states[0])
        applied.states = (code,)
        org, tid = _org_or_treaty(self.base, s)
        if org is not None:
            applied.org_id = org["org_id"]
            already = self.copy.execute(
                "SELECT count(*) FROM org_memberships WHERE org_id = $o AND member = $m AND role = 'member' "
                "AND start_date <= $on AND (end_date IS NULL OR $on < end_date)",
                {"o": org["org_id"], "m": code, "on": s.start},
            ).fetchone()[0]
            if already:
                raise _fail(s, f"{self.abbr(code)} is already a member of {org['short_name']} on {s.start}")
            self.insert("org_memberships", [{
                "org_id": org["org_id"], "member": code, "role": "member", "start_date": s.start,
                "start_precision": "day", "end_date": s.until, "end_precision": "day" if s.until else None,
                "uncertain": False, "note": s.label,
            }], source_id)
            applied.facts.append(f"{self.abbr(code)} a member of {org['short_name']} from {s.start}")
        if tid is None:
            return
        applied.treaty_id = tid
        if len(self.live(tid, s.start, [code])):
            applied.facts.append(f"{self.abbr(code)} already bound by {tid} on {s.start}")
            return
        live = self.live(tid, s.start)
        if not len(live):
            raise _fail(s, f"{tid} has no member in force on {s.start}; nobody to accede to")
        phase = int(live.phase.max())
        coded = live[live.phase == phase]
        kinds = [ob for ob in OBLIGATIONS if bool(coded[ob].any())]
        dataset = self.copy.execute("SELECT dataset FROM treaties WHERE treaty_id = ?", [tid]).fetchone()
        if tid.startswith("atop:") and dataset and dataset[0] != "register":
            self.accede_dataset(n, s, tid, code, phase, kinds, source_id)
        else:
            self.accede_register(n, s, tid, code, phase, coded, source_id)
        applied.facts.append(f"{self.abbr(code)} accedes to {tid} (phase {phase}) from {s.start}: "
                             f"{', '.join(kinds)} toward every member, as the treaty codes them")

    def accede_dataset(self, n, s, tid, code, phase, kinds, source_id) -> None:
        from foedus.register.model import AddedMember, DatasetUpdate
        from foedus.register.store import _update_rows

        update = DatasetUpdate(
            kind="dataset_update", id=f"{SUPPOSITION}-{n}", atopid=int(tid.split(":", 1)[1]), action="amendment",
            citations=self.citation(s), checked=s.start.isoformat(), notes=s.label,
            add_members=[AddedMember(ccode=code, joined=s.start.isoformat(), phase=phase, obligations=kinds,
                                     article="(hypothetical accession)",
                                     left=s.until.isoformat() if s.until else None)],
        )
        rows = self.rows()
        _update_rows(rows, SUPPOSITION, s.start.isoformat(), update)
        self.flush(rows, source_id)

    def accede_register(self, n, s, tid, code, phase, coded: pd.DataFrame, source_id) -> None:
        model = coded.sort_values("commitment_id").iloc[0]
        self.copy.execute(
            """INSERT INTO commitments SELECT * REPLACE (
                   $cid AS commitment_id, $member AS member, $start AS entry_date, 'day' AS entry_precision,
                   $until AS exit_date, $until_precision AS exit_precision, $source AS source_id)
               FROM commitments WHERE commitment_id = $model""",
            {"cid": f"{tid}:{phase}:{code}:{SUPPOSITION}-{n}", "member": code, "start": s.start, "until": s.until,
             "until_precision": "day" if s.until else None, "source": source_id,
             "model": model.commitment_id},
        )

    def leave(self, n: int, s: Supposition, applied: Applied, source_id: int) -> None:
        code = _state(self.names, s, s.states[0])
        applied.states = (code,)
        org, tid = _org_or_treaty(self.base, s)
        found = False
        if org is not None:
            applied.org_id = org["org_id"]
            params = {"o": org["org_id"], "m": code, "on": s.start}
            where = ("org_id = $o AND member = $m AND start_date <= $on "
                     "AND (end_date IS NULL OR $on < end_date)")
            found = self.copy.execute(f"SELECT count(*) FROM org_memberships WHERE {where}", params).fetchone()[0]
            if found:
                self.copy.execute(
                    f"UPDATE org_memberships SET end_date = $on, end_precision = 'day', "
                    f"note = CASE WHEN note IS NULL THEN $label ELSE note || ' | ' || $label END WHERE {where}",
                    {**params, "label": s.label},
                )
                applied.facts.append(f"{self.abbr(code)} leaves {org['short_name']} on {s.start}")
        if tid is not None:
            applied.treaty_id = tid
            if len(self.live(tid, s.start, [code])):
                found = True
                self.terminate(n, 0, s, tid, [code], s.start, source_id)
                applied.facts.append(f"{self.abbr(code)}'s commitments under {tid} end on {s.start}, both ways")
        if not found:
            where = org["short_name"] if org is not None else tid
            raise _fail(s, f"{self.abbr(code)} is not a member of {where} on {s.start}")

    def treaty(self, n: int, s: Supposition, applied: Applied, source_id: int) -> None:
        from foedus.register.model import Member, Obligation, Treaty
        from foedus.register.store import _treaty_rows

        codes = [_state(self.names, s, text) for text in s.states]
        if len(set(codes)) != len(codes):
            raise _fail(s, "a state is named twice")
        applied.states = tuple(codes)
        abbrs = "–".join(self.abbr(c) for c in codes)
        treaty = Treaty(
            kind="treaty", id=f"{SUPPOSITION}-{n}", name=f"Supposed {'/'.join(s.obligations)} treaty {abbrs}",
            short_name=f"supposed {abbrs}", citations=self.citation(s), checked=s.start.isoformat(),
            members=[Member(ccode=c) for c in codes], signed=s.start.isoformat(), in_force=s.start.isoformat(),
            end=s.until.isoformat() if s.until else None, notes=s.label,
            renewal=None if s.until else "indefinite", term=None if s.until else "indefinite (supposed)",
            obligations=[Obligation(type=ob, article="(hypothetical)", by=[codes[0]] if s.one_way else None)
                         for ob in s.obligations],
        )
        rows = self.rows()
        _treaty_rows(rows, SUPPOSITION, s.start.isoformat(), treaty)
        self.flush(rows, source_id)
        applied.treaty_id = f"reg:{treaty.id}"
        who = f"{self.abbr(codes[0])} owes {', '.join(self.abbr(c) for c in codes[1:])}" if s.one_way else \
            "mutual"
        applied.facts.append(f"{applied.treaty_id}: {', '.join(s.obligations)} ({who}) from {s.start}"
                             + (f" until {s.until}" if s.until else ""))

    def end(self, n: int, s: Supposition, applied: Applied, source_id: int) -> None:
        tid = _treaty(self.base, s, s.subject)
        applied.treaty_id = tid
        if not len(self.live(tid, s.start)):
            raise _fail(s, f"{tid} has no commitment in force on {s.start}; nothing to end")
        self.terminate(n, 0, s, tid, None, s.start, source_id)
        applied.facts.append(f"{tid} ends on {s.start} for every member")

    def suspend(self, n: int, s: Supposition, applied: Applied, source_id: int) -> None:
        a, b = (_state(self.names, s, text) for text in s.states)
        if a == b:
            raise _fail(s, "a state cannot be suspended from itself")
        applied.states = (a, b)
        if s.subject:
            tids = [_treaty(self.base, s, s.subject)]
        else:
            both = self.copy.execute(
                """SELECT DISTINCT coalesce(json_extract_string(t.attributes, '$.extends'), c.treaty_id)
                   FROM commitments c LEFT JOIN treaties t USING (treaty_id)
                   WHERE c.member IN ($a, $b) AND c.entry_date <= $on AND (c.exit_date IS NULL OR $on < c.exit_date)
                   GROUP BY 1, c.phase HAVING count(DISTINCT c.member) = 2 ORDER BY 1""",
                {"a": a, "b": b, "on": s.start},
            ).fetchall()
            tids = [t for (t,) in both]
        done, skipped = [], []
        for k, tid in enumerate(tids):
            live = self.live(tid, s.start)
            members = set(live.member.astype(int))
            if not {a, b} <= members:
                continue
            if members != {a, b}:
                if s.subject:
                    raise _fail(s, f"{tid} has {len(members)} members on {s.start}: suspending one pair inside a "
                                   "multilateral treaty is not supported; suppose that one of them leaves it instead")
                skipped.append(tid)
                continue
            self.terminate(n, k, s, tid, [a, b], s.start, source_id)
            if s.until:
                self.resume(n, k, s, tid, live, source_id)
            done.append(tid)
        if not done:
            more = f" (only multilateral ones: {', '.join(skipped)}; name one of them to see why)" if skipped else ""
            raise _fail(s, f"{self.abbr(a)} and {self.abbr(b)} share no bilateral treaty in force on {s.start}{more}")
        applied.treaty_id = done[0]
        applied.facts.append(f"{', '.join(done)} suspended between {self.abbr(a)} and {self.abbr(b)} from "
                             f"{s.start}" + (f", resumed {s.until}" if s.until else ""))
        if skipped:
            applied.facts.append(f"not suspended (multilateral): {', '.join(skipped)}")

    def resume(self, n: int, k: int, s: Supposition, tid: str, live: pd.DataFrame, source_id: int) -> None:
        from foedus.query.treaty_names import treaty_names

        new = f"reg:{SUPPOSITION}-{n}-resumed-{k}"
        self.copy.execute(
            """INSERT INTO treaties SELECT * REPLACE (
                   $new AS treaty_id, 'register' AS dataset, $version AS version,
                   $name || ' (resumed, hypothetical)' AS name, $until AS begin_date,
                   'day' AS begin_precision, NULL::DATE AS coverage_end,
                   json_object('articles', json_extract(attributes, '$.articles'), 'checked', $version,
                               'notes', $label, 'resumes', treaty_id) AS attributes,
                   $source AS source_id)
               FROM treaties WHERE treaty_id = $tid""",
            {"new": new, "version": s.until.isoformat(), "until": s.until, "label": s.label, "source": source_id,
             "tid": tid, "name": treaty_names(self.base).get(tid) or tid},
        )
        for cid in live.commitment_id:
            self.copy.execute(
                """INSERT INTO commitments SELECT * REPLACE (
                       $new || ':0:' || member AS commitment_id, $new AS treaty_id, 0 AS phase,
                       $until AS entry_date, 'day' AS entry_precision, NULL::DATE AS coverage_end,
                       $source AS source_id)
                   FROM commitments WHERE commitment_id = $cid""",
                {"new": new, "until": s.until, "source": source_id, "cid": cid},
            )


def _digest(suppositions: list[Supposition]) -> str:
    return hashlib.sha256(json.dumps([s.to_json() for s in suppositions], sort_keys=True).encode()).hexdigest()


def write(copy, suppositions: list[Supposition], base=None, names=None) -> list[Applied]:
    """Write `suppositions` into `copy` (a writable copy of a store), in order; names resolve against `base`
    (default: the copy itself, before any write)."""
    from foedus.naming import StateNames

    base = base if base is not None else copy
    names = names if names is not None else StateNames(base)
    writer = _Writer(copy, names, base)
    out = []
    copy.execute(_APPLIED_DDL)
    for n, s in enumerate(suppositions, 1):
        applied = Applied(n, s, f"{SUPPOSITION}:{n}")
        source_id = writer.source(n, s)
        getattr(writer, s.kind)(n, s, applied, source_id)
        copy.execute("INSERT INTO suppositions VALUES (?, ?, ?, ?, ?, ?)",
                     [n, s.text, s.kind, applied.entry, json.dumps(applied.to_json()), source_id])
        out.append(applied)
    digest = _digest(suppositions)
    copy.execute("INSERT OR REPLACE INTO meta VALUES ('supposition', ?)", [digest])
    # a distinct interval-cache key (count, latest import time, rows: see foedus.query.intervals.fingerprint)
    copy.execute(
        "INSERT OR REPLACE INTO imports SELECT 'supposition', ?, NULL, ?, ?, NULL, "
        "(SELECT max(imported_at) FROM imports)",
        [digest[:16], digest, int(digest[:7], 16) + 1],
    )
    return out


def as_suppositions(items) -> list[Supposition]:
    if items is None:
        return []
    if isinstance(items, str | Supposition):
        items = [items]
    return [item if isinstance(item, Supposition) else parse(item) for item in items]


@contextlib.contextmanager
def apply(con, suppositions):
    """The world `suppositions` describe, as a connection to an in-memory copy of `con`'s store (a context
    manager; the copy is dropped on exit). With no suppositions, `con` itself.

    Args:
        con (duckdb.DuckDBPyConnection): An open store connection; it is read, never written.
        suppositions (Supposition | str | list | None): A supposition, its text, or a list of either
            (`foedus.suppose.parse`); None or [] for none.

    Yields:
        world (duckdb.DuckDBPyConnection): A connection to the supposed world, which every question of the
            library accepts in place of `con`.

    Raises:
        BadInputError: A supposition's text does not parse or names an unknown state, organization or treaty.

    Examples:
        >>> from foedus import suppose
        >>> from foedus.query.organizations import organization_answer
        >>> with suppose.apply(con, ["PRK joins CSTO from 2025-01-01"]) as world:
        ...     answer = organization_answer(world, "CSTO", "2025-06-01")
        >>> with suppose.apply(con, []) as world:
        ...     world is con
        True
    """
    items = as_suppositions(suppositions)
    if not items:
        yield con
        return
    copy = copy_store(con)
    try:
        write(copy, items, base=con)
        yield copy
    finally:
        copy.close()


def applied(con) -> list[dict]:
    """What was supposed in the world `con` reads ([] for the real world)."""
    try:
        rows = con.execute("SELECT facts FROM suppositions ORDER BY n").fetchall()
    except duckdb.CatalogException:
        return []
    return [json.loads(r[0]) for r in rows]
