"""Coalitions: named groups of states, organizations or treaties that stand for their members on a date.

A coalition is usable anywhere a scenario actor is (`--attack "the West"`, `--target G7`, `--supporters
"Five Eyes"`): on the scenario date it expands to its members, with a note saying what it is and where its
definition comes from. Three sources:

* **Presets** shipped in ``scenario/data/coalitions.yaml``, each with a primary or wire source (or, for
  "the West", labelled as foedus's working definition with no source claimed).
* **A YAML file** given with ``--coalitions FILE``, in either form (both may be mixed)::

      the West: [USA, GBR, FRA]          # name: [members]
      Nordics:                           # name: {members, from, until, source, note}
        members: [DEN, NOR, SWD, FIN, ICE]
        from: 1995-01-01
        source: my reading of ...
      coalitions:                        # or a list of entries with a name
        - name: Baltic
          members: [EST, LAT, LIT]

  A member is a state (name, COW code, ISO3, ``cow:``/``gw:``/``iso:`` prefix), an organization in the register
  (NATO: its members on the date), a treaty id (``atop:3180``, ``reg:russia-dprk-2024``: its members on the
  date), or a mapping ``{member: ..., from: ..., until: ...}`` for a member that belongs for part of the time.
  ``from`` is the first day it holds, ``until`` the first day it no longer holds (both YYYY, YYYY-MM or
  YYYY-MM-DD). A coalition may not contain another coalition.
* **Inline** in the API's scenario body: ``{"coalitions": {"name": [members], ...}}`` (or the mapping form),
  at most 20 coalitions of 60 members (:class:`foedus.scenario.request.ScenarioLimits`).

Every problem names where it is: the file, line, entry and field (the shared loader :mod:`foedus.yamlload`),
or the body field (``coalitions.NAME.members[2]``). A coalition whose name is also a state's or an
organization's name is refused: a name must never silently mean two things. A file's coalition named like a
preset replaces the preset, and its note says so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from foedus.errors import BadInputError, FoedusError, UnknownStateError
from foedus.yamlload import Problem, TextDatesLoader, YamlLoadError, node_at, read_yaml

PRESETS_FILE = Path(__file__).parent / "data" / "coalitions.yaml"
TREATY_ID = re.compile(r"^(atop[: ]\s*\d+|reg:\S+)$", re.IGNORECASE)
MAX_NAME = 100


def fold(text: str) -> str:
    """The key a coalition name is matched by: case and repeated spaces ignored."""
    return " ".join(str(text).split()).casefold()


# --------------------------------------------------------------------------------------------- the model


class CitedSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    issuer: str | None = None
    date: str | None = None
    url: str | None = None

    def text(self) -> str:
        parts = [self.issuer, f"'{self.title}'", self.date, self.url]
        return ", ".join(p for p in parts if p)


class MemberSpec(BaseModel):
    """One member: a state, organization or treaty id, bounded in time when it belongs for part of it."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    member: str | int
    from_: str | None = Field(None, alias="from")
    until: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, value):
        return {"member": value} if isinstance(value, (str, int)) and not isinstance(value, bool) else value

    @field_validator("member")
    @classmethod
    def _text(cls, value):
        if isinstance(value, str) and not value.strip():
            raise ValueError("an empty member")
        return value

    _dates = field_validator("from_", "until", mode="before")(lambda v: _date_text(v))


def _date_text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("not a date")
    if isinstance(value, (int, dt.date)):
        value = str(value) if isinstance(value, int) else value.isoformat()
    from foedus.dates import parse_date

    try:
        return parse_date(str(value), "date").isoformat()
    except BadInputError as exc:
        raise ValueError(exc.message) from None


class CoalitionSpec(BaseModel):
    """One coalition as written (file, preset or request body)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1, max_length=MAX_NAME)
    title: str | None = Field(None, description="What the name stands for, e.g. 'Group of Seven'")
    members: list[MemberSpec] = Field(min_length=1)
    from_: str | None = Field(None, alias="from", description="First day the coalition holds (YYYY[-MM[-DD]])")
    until: str | None = Field(None, description="First day it no longer holds")
    source: str | CitedSource | list[CitedSource] | None = None
    definition: str | None = Field(None, description="Whose definition this is, when no source is claimed")
    note: str | None = None

    _dates = field_validator("from_", "until", mode="before")(lambda v: _date_text(v))

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("a coalition needs a name")
        if "," in value or ";" in value:
            raise ValueError("a coalition name may not contain ',' or ';' (they separate actors)")
        return value


class CoalitionFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    coalitions: list[CoalitionSpec]


# ------------------------------------------------------------------------------------- resolved coalitions


@dataclass(frozen=True)
class Member:
    text: str
    start: dt.date | None
    end: dt.date | None
    where: str  # "file, line 4, entry 'G7', field 'members[2]'" or "coalitions.G7.members[2]"

    def holds(self, on: dt.date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on < self.end)


@dataclass(frozen=True)
class Coalition:
    name: str
    members: tuple[Member, ...]
    origin: str  # 'preset (coalitions.yaml)', 'defined in my.yaml', 'defined in the request body'
    where: str
    parameter: str
    title: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    source: str | None = None
    definition: str | None = None
    note: str | None = None
    replaces_preset: bool = False
    lines: dict = field(default_factory=dict, compare=False)

    def holds(self, on: dt.date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on < self.end)

    def span(self) -> str:
        start = self.start.isoformat() if self.start else "always"
        end = f"until {self.end.isoformat()}" if self.end else "with no end"
        return f"from {start} {end}" if self.start else f"{end}"

    def provenance(self) -> str:
        if self.source:
            return f"source: {self.source}"
        if self.definition:
            return self.definition
        return "no source given"


def _d(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _source_text(source) -> str | None:
    if source is None:
        return None
    if isinstance(source, str):
        return source
    if isinstance(source, list):
        return "; ".join(s.text() for s in source) or None
    return source.text()


def _build(spec: CoalitionSpec, origin: str, where: str, member_where, parameter: str) -> Coalition:
    members = []
    for i, m in enumerate(spec.members):
        members.append(Member(str(m.member).strip(), _d(m.from_), _d(m.until), member_where(i)))
    return Coalition(spec.name, tuple(members), origin, where, parameter, spec.title, _d(spec.from_), _d(spec.until),
                     _source_text(spec.source), spec.definition, spec.note)


# ------------------------------------------------------------------------------------------------- loading


def _entries(data: dict) -> list[tuple[tuple, dict]]:
    """(real location in the file, entry as a mapping with a name) for both forms of a coalition file."""
    out = []
    for key, value in data.items():
        if key == "coalitions" and isinstance(value, list):
            for i, item in enumerate(value):
                out.append((("coalitions", i), item if isinstance(item, dict) else {"name": None, "members": item}))
        elif isinstance(value, dict):
            out.append(((key,), {"name": str(key), **value}))
        else:
            out.append(((key,), {"name": str(key), "members": value}))
    return out


def _real(base: tuple, loc: tuple, listed: bool) -> tuple:
    """Where a location inside one entry is in the file: a bare list entry has no 'members' key."""
    if listed and loc[:1] == ("members",):
        return base + tuple(loc[1:])
    return base + tuple(loc)


def _problem(file: str, root, base: tuple, entry: str, loc: tuple, message: str, listed: bool) -> Problem:
    """A located problem: `loc` is the pydantic location inside one entry."""
    node = node_at(root, _real(base, loc, listed)) if root is not None else None
    line = node.start_mark.line + 1 if node is not None else None
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return Problem(file, message, line, section="coalitions", index=0, entry_id=entry, field=path or None)


def _member_lines(root, base: tuple, listed: bool, count: int) -> list[int | None]:
    lines = []
    for i in range(count):
        node = node_at(root, _real(base, ("members", i), listed)) if root is not None else None
        lines.append(node.start_mark.line + 1 if node is not None else None)
    return lines


def load_file(path: str | Path, parameter: str = "--coalitions", preset: bool = False) -> list[Coalition]:
    """The coalitions of a YAML file; a bad file raises BadInputError(parameter) naming file, line, entry, field."""
    path = Path(path)
    name = path.name
    try:
        data, root = read_yaml(path, TextDatesLoader)
    except YamlLoadError as exc:
        raise BadInputError(parameter, str(exc), fix="see `foedus scenario --help` for the coalition file form") \
            from None
    if not isinstance(data, dict) or not data:
        raise BadInputError(parameter, f"{name}, line 1: expected a mapping of coalition names",
                            fix="write 'name: [state, state, ...]' or a 'coalitions:' list")
    origin = f"preset ({name})" if preset else f"defined in {name}"
    problems: list[Problem] = []
    out: list[Coalition] = []
    seen: dict[str, str] = {}
    for base, raw in _entries(data):
        listed = not (base[0] == "coalitions" or isinstance(data.get(base[0]), dict))
        if base[0] == "coalitions":
            listed = not isinstance(data["coalitions"][base[1]], dict)
        entry = str(raw.get("name")) if raw.get("name") is not None else f"#{base[-1] + 1}" \
            if base[0] == "coalitions" else str(base[0])
        head = node_at(root, base) if root is not None else None
        head_line = head.start_mark.line + 1 if head is not None else None
        try:
            spec = CoalitionSpec.model_validate(raw)
        except ValidationError as exc:
            for e in exc.errors()[:5]:
                problems.append(_problem(name, root, base, entry, tuple(e["loc"]),
                                         e["msg"].removeprefix("Value error, "), listed))
            continue
        key = fold(spec.name)
        if key in seen:
            problems.append(Problem(name, f"'{spec.name}' is defined twice (first {seen[key]})", head_line,
                                    section="coalitions", index=0, entry_id=entry))
            continue
        seen[key] = f"line {head_line}" if head_line else "earlier"
        lines = _member_lines(root, base, listed, len(spec.members))

        def member_where(i, _lines=lines, _entry=entry):
            line = f", line {_lines[i]}" if _lines[i] else ""
            return f"{name}{line}, entry '{_entry}', field 'members[{i}]'"

        where = f"{name}" + (f", line {head_line}" if head_line else "") + f", entry '{entry}'"
        out.append(_build(spec, origin, where, member_where, parameter))
    if problems:
        raise BadInputError(parameter, str(YamlLoadError(problems)),
                            fix="name: [members] or name: {members: [...], from: YYYY-MM-DD, until: ..., source: ...}")
    return out


@lru_cache(maxsize=1)
def presets() -> tuple[Coalition, ...]:
    """The cited presets shipped with foedus (scenario/data/coalitions.yaml)."""
    return tuple(load_file(PRESETS_FILE, parameter="coalition presets", preset=True))


def from_body(body: dict | None, parameter: str = "coalitions", limits=None) -> list[Coalition]:
    """Inline coalitions of an API request, `{name: [members]}` or `{name: {members, from, until, source}}`."""
    if not body:
        return []
    check_body(body, parameter, limits)
    out = []
    for key, value in body.items():
        raw = {"name": key, **value} if isinstance(value, dict) else {"name": key, "members": value}
        try:
            spec = CoalitionSpec.model_validate(raw)
        except ValidationError as exc:
            e = exc.errors()[0]
            loc = ".".join(str(p) for p in e["loc"])
            raise BadInputError(f"{parameter}.{key}" + (f".{loc}" if loc else ""),
                                e["msg"].removeprefix("Value error, ")) from None
        if not isinstance(value, dict):
            member_where = lambda i, k=key: f"{parameter}.{k}[{i}]"  # noqa: E731
        else:
            member_where = lambda i, k=key: f"{parameter}.{k}.members[{i}]"  # noqa: E731
        out.append(_build(spec, "defined in the request body", f"{parameter}.{key}", member_where, parameter))
    return out


def _check_body_entry(key, value, parameter: str, limits) -> None:
    """The bounds of one inline coalition: its name length, member count and member name lengths."""
    if len(str(key)) > limits.max_name_length:
        raise BadInputError(parameter, f"a coalition name of {len(str(key)):,} characters is too long",
                            fix=f"at most {limits.max_name_length}")
    members = value.get("members") if isinstance(value, dict) else value
    if not isinstance(members, list):
        raise BadInputError(f"{parameter}.{key}", "expected a list of members", fix='["USA", "GBR"]')
    if len(members) > limits.max_coalition_members:
        raise BadInputError(f"{parameter}.{key}", f"{len(members)} members given",
                            fix=f"at most {limits.max_coalition_members}")
    for i, m in enumerate(members):
        text = m.get("member") if isinstance(m, dict) else m
        if len(str(text)) > limits.max_name_length:
            raise BadInputError(f"{parameter}.{key}[{i}]", "a member name is too long",
                                fix=f"at most {limits.max_name_length} characters")


def check_body(body, parameter: str = "coalitions", limits=None) -> None:
    """The bounds of inline coalitions: how many, how many members, name lengths (no store needed)."""
    if body is None:
        return
    if limits is None:
        from foedus.scenario.request import LIMITS as limits
    if not isinstance(body, dict):
        raise BadInputError(parameter, "expected an object of coalition names", fix='{"name": ["USA", "GBR"]}')
    if len(body) > limits.max_coalitions:
        raise BadInputError(parameter, f"{len(body)} coalitions given", fix=f"at most {limits.max_coalitions}")
    for key, value in body.items():
        _check_body_entry(key, value, parameter, limits)


# ---------------------------------------------------------------------------------------------- resolving


def organization_finder(con):
    """text -> 'Name (SHORT)' when it names an organization in the register (id, short name, name or alias,
    as `foedus.query.organizations.find_organization` matches), else None; the table is read once."""
    labels: dict[str, str] = {}
    for org_id, short, name, aliases in con.execute(
            "SELECT org_id, short_name, name, aliases FROM organizations").fetchall():
        for label in (org_id, short, name, *(aliases or [])):
            if isinstance(label, str):
                labels.setdefault(label.strip().casefold(), f"{name} ({short})")
    return lambda text: labels.get(str(text).strip().casefold())


class Coalitions:
    """Coalitions checked against a store: names that clash with a state or organization are refused, every
    member must be a state, an organization or a treaty id. `expand(text, on)` gives (codes, notes) or None."""

    def __init__(self, con, names, defined: list[Coalition] = (), use_presets: bool = True, members=None,
                 organization=None):
        self.con, self.names = con, names
        self._members = members  # (text, on, where) -> (codes, notes) for organizations and treaties, or None
        self._organization = organization or organization_finder(con)  # text -> its label, or None
        by_name: dict[str, Coalition] = {}
        if use_presets:
            for c in presets():
                by_name[fold(c.name)] = c
        for c in defined:
            key = fold(c.name)
            if key in by_name and by_name[key].origin.startswith("preset"):
                c = Coalition(**{**c.__dict__, "replaces_preset": True})
            by_name[key] = c
        self.by_name = by_name
        for c in by_name.values():  # every name first: a clash is the error to report, not a member naming it
            self._refuse_clash(c)
        for c in by_name.values():
            self._check(c)

    # -- checks

    def _clash(self, c: Coalition) -> str | None:
        from foedus.naming import AmbiguousStateError

        try:
            found = self.names.resolve(c.name)
            return f"it is also the name of the state {found.name} ({found.code})"
        except AmbiguousStateError:
            return "it is also a state's name (ambiguous between several states)"
        except (UnknownStateError, BadInputError):
            pass
        org = self._organization(c.name)
        if org:
            return f"it is also the name of the organization {org}"
        if TREATY_ID.match(c.name):
            return "it has the form of a treaty id"
        return None

    def _refuse_clash(self, c: Coalition) -> None:
        clash = self._clash(c)
        if clash:
            raise BadInputError(c.parameter, f"{c.where}: the coalition name '{c.name}' is refused: {clash}",
                                fix="rename the coalition")

    def _check(self, c: Coalition) -> None:
        for m in c.members:
            if fold(m.text) in self.by_name:
                raise BadInputError(c.parameter, f"{m.where}: '{m.text}' is a coalition; a coalition cannot "
                                    "contain another", fix="list that coalition's members instead")
            try:
                if self._group(m.text, None, m.where, probe=True):
                    continue
            except FoedusError as exc:
                raise BadInputError(c.parameter, str(exc).removeprefix("coalition: "),
                                    fix="give an ATOP id (atop:3180) or a register id (reg:...)") from None
            try:
                self.names.resolve(m.text, parameter=c.parameter)
            except UnknownStateError as exc:
                raise BadInputError(c.parameter, f"{m.where}: {exc}", fix="a state, an organization in the "
                                    "register or a treaty id (atop:3180, reg:...)") from None
            except BadInputError as exc:
                if exc.__class__.__name__ != "AmbiguousStateError":  # ambiguous: the scenario date may settle it
                    raise BadInputError(c.parameter, f"{m.where}: {exc.message}", fix=exc.fix) from None

    def _group(self, text: str, on, where: str, probe: bool = False):
        if self._members is None:
            return None
        return self._members(text, on, where, probe)

    # -- expansion

    def get(self, text: str) -> Coalition | None:
        return self.by_name.get(fold(text)) if len(str(text)) <= MAX_NAME else None

    def expand(self, text: str, on: dt.date, option: str = "actor") -> tuple[list[int], list[str]] | None:
        from foedus.naming import AmbiguousStateError

        c = self.get(text)
        if c is None:
            return None
        if not c.holds(on):
            raise BadInputError(option, f"the coalition '{c.name}' ({c.where}) holds {c.span()}, not on "
                                f"{on.isoformat()}", fix="choose a date inside its span")
        codes: list[int] = []
        notes: list[str] = []
        parts: list[str] = []
        for m in c.members:
            if not m.holds(on):
                continue
            group = self._group(m.text, on, m.where)
            if group is not None:
                found, _ = group
                codes += found
                parts.append(f"{m.text} ({len(found)} members)")
                continue
            try:
                res = self.names.resolve(m.text, on=on, parameter=option)
            except (UnknownStateError, AmbiguousStateError) as exc:
                raise BadInputError(option, f"coalition '{c.name}', {m.where}: {exc}",
                                    fix="write the member unambiguously (e.g. cow:260) or bound it with from/until") \
                    from None
            codes.append(res.code)
            if res.note:
                notes.append(f"{c.name}: {m.text}: {res.note}")
        codes = list(dict.fromkeys(codes))
        if not codes:
            raise BadInputError(option, f"the coalition '{c.name}' ({c.where}) has no members on {on.isoformat()}")
        names = ", ".join(f"{self.names.name(code)} ({code})" for code in codes)
        title = f" ({c.title})" if c.title and fold(c.title) != fold(c.name) else ""
        via = f"; groups expanded on the date: {', '.join(parts)}" if parts else ""
        replaced = ", replacing the preset of that name" if c.replaces_preset else ""
        note = (f"{c.name}{title} is a coalition, {c.origin}{replaced}: on {on.isoformat()} it stands for its "
                f"{len(codes)} members: {names}{via} [{c.provenance()}]")
        if c.note:
            note += f" Note: {' '.join(c.note.split())}"
        return codes, [note, *notes]
