"""The supposition grammar: what-if facts written like English (``--suppose TEXT``, ``--suppose-file FILE``).

One supposition a line (case does not matter; dates are YYYY-MM-DD, YYYY-MM or YYYY; a state is any name, code
or abbreviation foedus knows, quoted when it has spaces; TREATY is an ATOP id, a register id or a treaty name;
ORG an organization of the register)::

    STATE joins ORG|TREATY from DATE [until DATE]
        membership of the organization from DATE and accession to its treaty: the new member inherits the
        obligations and conditions the treaty codes for its members, toward every member, and they toward it
        (e.g. "PRK joins CSTO from 2025-01-01")
    STATE leaves ORG|TREATY [on] DATE
        membership ends on DATE, and the state's commitments under the treaty end then, in both directions
        (e.g. "ARM leaves CSTO 2026-01-01")
    TYPES STATE STATE [STATE ...] from DATE [until DATE] [one-way]
        a new treaty among the states; TYPES is one or more of defense (defence), offense, neutrality,
        nonaggression (non-aggression), consultation, joined by commas; one-way: only the first state owes
        the others (e.g. "defense RUS CHN from 2026-01-01", "defense,consultation USA 'Saudi Arabia' from 2027")
    end TREATY on DATE
        the treaty lapses on DATE for every member (e.g. "end NATO on 2030-01-01", "end atop:3445 on 2027-01-01")
    suspend STATE STATE [TREATY] from DATE [until DATE]
        the two states' commitments toward each other (under TREATY, else under every treaty they share on DATE)
        are suspended from DATE, and resume on the until date when one is given

A supposition file (``--suppose-file what_if.yaml``) is a YAML list whose items are these strings, or mappings
with the same parts::

    - PRK joins CSTO from 2025-01-01
    - {state: ARM, leaves: CSTO, on: 2026-01-01}
    - {treaty: [defense, consultation], members: [RUS, CHN], from: 2026-01-01, until: 2036-01-01, one_way: false}
    - {end: NATO, on: 2030-01-01}
    - {suspend: [USA, PHL], treaty: atop:3195, from: 2026-01-01, until: 2027-01-01}

Parsing checks the grammar and the dates only; names are resolved against the store when the supposition is
applied (:func:`foedus.suppose.apply`). Every mistake is a :class:`~foedus.errors.BadInputError` naming
``--suppose`` and saying how to write it.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from foedus.errors import BadInputError
from foedus.store.schema import OBLIGATIONS

PARAMETER = "--suppose"
FILE_PARAMETER = "--suppose-file"
MAX_TEXT = 300

FORMS = (
    "STATE joins ORG|TREATY from DATE [until DATE]",
    "STATE leaves ORG|TREATY [on] DATE",
    "TYPES STATE STATE [STATE ...] from DATE [until DATE] [one-way]",
    "end TREATY on DATE",
    "suspend STATE STATE [TREATY] from DATE [until DATE]",
)
FIX = "write one of: " + "; ".join(FORMS) + " — e.g. --suppose \"PRK joins CSTO from 2025-01-01\""

_TYPE_ALIASES = {
    "defence": "defense",
    "defense": "defense",
    "offence": "offense",
    "offense": "offense",
    "neutrality": "neutrality",
    "nonaggression": "nonaggression",
    "non-aggression": "nonaggression",
    "consultation": "consultation",
}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Supposition:
    """One supposed fact, as parsed (names unresolved: see :func:`foedus.suppose.apply`).

    `kind`: 'join', 'leave', 'treaty', 'end' or 'suspend'. `states`: the states as written; `subject`: the
    organization or treaty as written (join, leave, end; suspend's optional treaty); `obligations`: a new
    treaty's types; `one_way`: only the first state owes.
    """

    text: str
    kind: str
    start: dt.date
    until: dt.date | None = None
    states: tuple[str, ...] = ()
    subject: str | None = None
    obligations: tuple[str, ...] = ()
    one_way: bool = False
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def label(self) -> str:
        return f"HYPOTHETICAL: {self.text}"

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "kind": self.kind,
            "states": list(self.states),
            "subject": self.subject,
            "obligations": list(self.obligations),
            "from": self.start.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "one_way": self.one_way,
        }


def _bad(text: str, message: str, parameter: str = PARAMETER) -> BadInputError:
    return BadInputError(parameter, f"'{text}': {message}", fix=FIX)


def _date(text: str, raw: str, what: str) -> dt.date:
    from foedus.dates import parse_date

    if not _DATE.match(raw):
        raise _bad(text, f"{what} '{raw}' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
    try:
        return parse_date(raw, PARAMETER)
    except BadInputError as exc:
        raise _bad(text, f"{what}: {exc.message}") from None


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise _bad(text, f"unbalanced quotes ({exc})") from None


def _dates(text: str, words: list[str], leading: tuple[str, ...]) -> tuple[list[str], dt.date, dt.date | None, bool]:
    """Split `words` into (words before the dates, start, until, one-way) for '... [from|on] DATE [until DATE]'."""
    one_way = False
    if words and words[-1].lower() in ("one-way", "oneway", "one_way"):
        one_way, words = True, words[:-1]
    until = None
    lowered = [w.lower() for w in words]
    if "until" in lowered:
        i = lowered.index("until")
        if i != len(words) - 2:
            raise _bad(text, "'until' must be followed by one date at the end")
        until, words, lowered = _date(text, words[-1], "the until date"), words[:i], lowered[:i]
    if not words or not _DATE.match(words[-1]):
        raise _bad(text, "it does not end with a date (YYYY-MM-DD, YYYY-MM or YYYY)")
    start = _date(text, words[-1], "the date")
    words = words[:-1]
    if words and words[-1].lower() in leading:
        words = words[:-1]
    if until is not None and until <= start:
        raise _bad(text, f"the until date {until} is not after {start}")
    return words, start, until, one_way


def _types(text: str, word: str) -> tuple[str, ...] | None:
    parts = [p.strip().lower() for p in word.split(",") if p.strip()]
    if not parts or parts[0] not in _TYPE_ALIASES:
        return None
    unknown = [p for p in parts if p not in _TYPE_ALIASES]
    if unknown:
        raise _bad(text, f"unknown obligation type(s) {', '.join(unknown)}; choose from {', '.join(OBLIGATIONS)}")
    chosen = {_TYPE_ALIASES[p] for p in parts}
    return tuple(t for t in OBLIGATIONS if t in chosen)


def parse(text: str, parameter: str = PARAMETER) -> Supposition:
    """One supposition from its text (see the module docstring for the grammar).

    Args:
        text: The supposition, e.g. `PRK joins CSTO from 2025-01-01`.
        parameter: The argument named in the error when the text does not parse.

    Returns:
        The parsed supposition: its kind, states, subject and dates.

    Raises:
        BadInputError: The text matches none of the forms.

    Examples:
        >>> from foedus.suppose import parse
        >>> s = parse("PRK joins CSTO from 2025-01-01")
        >>> (s.kind, s.states, s.subject, s.start.isoformat())
        ('join', ('PRK',), 'CSTO', '2025-01-01')
    """
    try:
        return _parse(text, parameter)
    except BadInputError as exc:
        if exc.parameter == parameter:
            raise
        raise BadInputError(parameter, exc.message, fix=exc.fix) from None


def _parse(text: str, parameter: str) -> Supposition:
    clean = _clean(text, parameter)
    verb = re.search(r"\s(joins|leaves)\s", f" {clean} ", flags=re.IGNORECASE)
    if verb:
        return _parse_membership(clean, verb)
    words = _words(clean)
    return _BY_HEAD.get(words[0].lower(), _parse_treaty)(clean, words)


def _clean(text: str, parameter: str) -> str:
    """The text with its whitespace collapsed; refused when not text, empty or too long."""
    if not isinstance(text, str):
        raise BadInputError(parameter, f"{text!r} is not a supposition text", fix=FIX)
    clean = " ".join(text.split())
    if not clean:
        raise BadInputError(parameter, "an empty supposition", fix=FIX)
    if len(clean) > MAX_TEXT:
        raise BadInputError(parameter, f"a supposition of more than {MAX_TEXT} characters", fix=FIX)
    return clean


def _parse_membership(clean: str, verb: re.Match) -> Supposition:
    """STATE joins ORG|TREATY from DATE [until DATE]; STATE leaves ORG|TREATY [on] DATE."""
    kind = "join" if verb.group(1).lower() == "joins" else "leave"
    padded = f" {clean} "
    state = padded[: verb.start()].strip().strip("'\"")
    rest = _words(padded[verb.end():])
    words, start, until, one_way = _dates(clean, rest, ("from", "on", "in"))
    if one_way:
        raise _bad(clean, "one-way belongs to a new treaty, not to joining or leaving")
    if kind == "leave" and until is not None:
        raise _bad(clean, "leaving takes one date (write a later 'joins' to return)")
    if not state:
        raise _bad(clean, f"no state before '{verb.group(1)}'")
    if not words:
        raise _bad(clean, f"no organization or treaty after '{verb.group(1)}'")
    return Supposition(clean, kind, start, until, states=(state,), subject=" ".join(words))


def _parse_end(clean: str, words: list[str]) -> Supposition:
    """end TREATY on DATE."""
    body, start, until, one_way = _dates(clean, words[1:], ("on", "from", "in"))
    if until is not None or one_way:
        raise _bad(clean, "ending a treaty takes one date: end TREATY on DATE")
    if not body:
        raise _bad(clean, "no treaty named after 'end'")
    return Supposition(clean, "end", start, subject=" ".join(body))


def _parse_suspend(clean: str, words: list[str]) -> Supposition:
    """suspend STATE STATE [TREATY] from DATE [until DATE]."""
    body, start, until, one_way = _dates(clean, words[1:], ("from", "on"))
    if one_way:
        raise _bad(clean, "a suspension concerns both directions; one-way does not apply")
    if len(body) not in (2, 3):
        raise _bad(clean, "suspend names two states (quote names with spaces) and, optionally, a treaty")
    return Supposition(clean, "suspend", start, until, states=tuple(body[:2]),
                       subject=body[2] if len(body) == 3 else None)


def _parse_treaty(clean: str, words: list[str]) -> Supposition:
    """TYPES STATE STATE [STATE ...] from DATE [until DATE] [one-way]."""
    types = _types(clean, words[0])
    if types is None:
        raise _bad(clean, f"'{words[0]}' does not start a supposition")
    body, start, until, one_way = _dates(clean, words[1:], ("from", "on", "in"))
    states = [s for w in body for s in w.split(",") if s.strip() and s.lower() != "and"]
    if len(states) < 2:
        raise _bad(clean, "a treaty needs at least two states (quote names with spaces)")
    if len(set(s.casefold() for s in states)) != len(states):
        raise _bad(clean, "a state is named twice")
    return Supposition(clean, "treaty", start, until, states=tuple(states), obligations=types, one_way=one_way)


# the first word -> its form's parser (any other first word: a new treaty's obligation types)
_BY_HEAD = {"end": _parse_end, "suspend": _parse_suspend}


def _quote(value) -> str:
    return shlex.quote(str(value))


def _date_text(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def from_mapping(item: dict, where: str = FILE_PARAMETER) -> Supposition:
    """A structured supposition (a mapping of a supposition file, see the module docstring)."""
    # YAML 1.1 reads a bare `on:` key as true
    keys = {"on" if k is True else str(k).lower().replace("-", "_"): v for k, v in item.items()}
    start = keys.pop("from", None) or keys.pop("on", None)
    until = keys.pop("until", None)
    tail = (f" until {_date_text(until)}" if until else "")
    if start is None:
        raise BadInputError(where, f"{item!r} has no 'from' (or 'on') date", fix=FIX)
    start = _date_text(start)
    if "joins" in keys or "leaves" in keys:
        verb = "joins" if "joins" in keys else "leaves"
        state = keys.get("state")
        if not state:
            raise BadInputError(where, f"{item!r} names no 'state'", fix=FIX)
        text = f"{state} {verb} {keys[verb]} {'from' if verb == 'joins' else 'on'} {start}{tail}"
    elif "end" in keys:
        text = f"end {_quote(keys['end'])} on {start}"
    elif "suspend" in keys:
        states = keys["suspend"]
        if not isinstance(states, list) or len(states) != 2:
            raise BadInputError(where, f"{item!r}: suspend takes a list of two states", fix=FIX)
        treaty = f" {_quote(keys['treaty'])}" if keys.get("treaty") else ""
        text = f"suspend {_quote(states[0])} {_quote(states[1])}{treaty} from {start}{tail}"
    elif "treaty" in keys:
        types = keys["treaty"]
        types = ",".join(types) if isinstance(types, list) else str(types)
        members = keys.get("members")
        if not isinstance(members, list):
            raise BadInputError(where, f"{item!r}: a treaty needs 'members', a list of states", fix=FIX)
        one_way = " one-way" if keys.get("one_way") else ""
        text = f"{types} {' '.join(_quote(m) for m in members)} from {start}{tail}{one_way}"
    else:
        raise BadInputError(where, f"{item!r} is not a supposition (joins, leaves, treaty, end or suspend)", fix=FIX)
    return parse(text, where)


def parse_many(texts=None, file: str | Path | None = None) -> list[Supposition]:
    """The suppositions of repeated ``--suppose`` texts and an optional ``--suppose-file``, in that order."""
    out = [parse(t) if not isinstance(t, Supposition) else t for t in (texts or [])]
    if file:
        out.extend(load_file(file))
    return out


def load_file(path: str | Path) -> list[Supposition]:
    """A YAML list of suppositions (strings or mappings)."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise BadInputError(FILE_PARAMETER, f"{path} is not a file", fix="give the path of a YAML list of suppositions")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise BadInputError(FILE_PARAMETER, f"{path}: not valid YAML ({exc})".replace("\n", " "),
                            fix="a YAML list, one supposition an item") from None
    if isinstance(data, dict) and "suppose" in data:
        data = data["suppose"]
    if not isinstance(data, list) or not data:
        raise BadInputError(FILE_PARAMETER, f"{path}: not a list of suppositions", fix=FIX)
    out = []
    for i, item in enumerate(data, 1):
        where = f"{FILE_PARAMETER} {path.name} item {i}"
        if isinstance(item, str):
            out.append(parse(item, where))
        elif isinstance(item, dict):
            out.append(from_mapping(item, where))
        else:
            raise BadInputError(where, f"{item!r} is neither a text nor a mapping", fix=FIX)
    return out
