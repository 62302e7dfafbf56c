"""Find the checkable claims in an article and normalise each into a typed :class:`Claim`.

The text work is spaCy's rule-based machinery on a blank English pipeline (no downloaded model):
``spacy.blank("en")`` with the sentencizer, an ``EntityRuler`` whose gazetteer is built from the store
(state names, aliases and capitals from the ``states``/``capitals`` tables and ``data/state_aliases.csv``;
organizations and their aliases; curated and register treaty names; the sanctions item names of the HS
lookup) and a ``Matcher`` of cue phrases (defence clause, alliance, membership, invocation, prohibition,
trade, signature, entry into force, negation, modality). A sentence becomes a claim when its cues and
entities fit one of the claim kinds the knowledge base can judge; references a sentence leaves implicit
("it", "the treaty", "the 2024 treaty") take the states and treaty of the sentences before it.

Nothing here knows any article: the rules are about kinds of statements, the names come from the store.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import re
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from importlib import resources

KINDS = ("defence_clause", "allied", "triangle", "membership", "invocation", "sanctions", "trade", "event")

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
MONTHS["sept"] = 9

# cue label -> phrases (lower case, tokenised by spaCy's English tokenizer when the matcher is built)
CUES: dict[str, list[str]] = {
    "DEFENCE": ["mutual assistance", "mutual-assistance", "mutual aid", "mutual defence", "mutual defense",
                "defence clause", "defense clause", "assistance clause", "such clause", "such a clause",
                "defence pact", "defense pact", "military assistance", "defence commitment",
                "defense commitment", "security guarantee", "defence obligation", "defense obligation",
                "mutual defence clause", "mutual defense clause", "defend each other", "come to the aid"],
    "BOUND": ["bound by", "binds", "bind"],
    "NEG": ["no", "not", "never", "lacks", "lacked", "lack", "without", "absent", "dropped", "omitted", "n't",
            "neither", "nor", "none", "removed", "isn't", "aren't", "wasn't", "weren't", "nothing"],
    "RESTORE": ["restores", "restored", "restore", "restoring", "revives", "revived", "revive", "reinstates",
                "reinstated", "reinstate", "brings back", "brought back", "resurrects", "resurrected",
                "returns to", "re-establishes", "re-established"],
    "ALLY": ["allies", "allied", "ally", "alliance", "alliances", "military alliance"],
    "TRIANGLE": ["triangle", "trilateral", "triad", "axis", "three-way", "tripartite", "triple alliance"],
    "MEMBER": ["member", "members", "membership", "join", "joins", "joined", "joining", "accede", "accedes",
               "acceded", "accession", "belongs", "belong", "full member"],
    "MODAL": ["may", "might", "could", "will", "would", "plans to", "intends to", "considering", "set to",
              "expected to", "likely to", "is to", "aims to", "seeks to", "wants to"],
    "INVOKE": ["invoke", "invoked", "invokes", "invoking", "invocation", "triggered", "trigger", "triggers",
               "activate", "activated", "applied article", "applies article"],
    "ATTACK": ["attacked", "attack", "aggression", "armed attack", "state of war", "invaded", "invasion"],
    "CAN": ["can", "could", "would", "may", "if", "in case", "in the event"],
    "SANCTION": ["sanctions", "sanction", "resolution", "resolutions", "embargo", "security council"],
    "PROHIBIT": ["prohibit", "prohibits", "prohibited", "prohibiting", "ban", "bans", "banned", "forbid",
                 "forbids", "forbidden", "outlaw", "outlaws", "outlawed", "bar", "bars", "barred", "illegal",
                 "unlawful"],
    "ALLOW": ["allow", "allows", "allowed", "permit", "permits", "permitted", "lawful", "legal", "exempt",
              "exempts", "exempted"],
    "ANY_TRADE": ["any trade", "all trade", "all goods", "any goods", "any commerce", "all commerce",
                  "every good", "all exports", "all imports", "any exports", "any imports"],
    "EXCEPT": ["except", "apart from", "other than", "save for", "excluding", "with the exception of"],
    "TRADE": ["trade", "turnover", "trade volume", "bilateral trade", "exports", "imports", "commerce"],
    "SIGNED": ["signed", "concluded", "signature", "signing", "sign"],
    "INFORCE": ["entered into force", "came into force", "took effect", "came into effect", "entry into force",
                "enters into force", "went into force", "into effect"],
    "ENDED": ["expired", "lapsed", "ended", "terminated", "scrapped", "abrogated", "renounced", "annulled"],
    "NOW": ["now", "today", "currently", "still", "at present", "for now", "nowadays", "remain", "remains"],
    "TO_DPRK": ["to north korea", "to the dprk", "to pyongyang", "into north korea", "into the dprk",
                "imports by north korea", "supplies to", "sales to"],
    "LABOUR": ["workers", "worker", "labour", "labor", "labourers", "laborers", "employed abroad",
               "work permits", "work authorisations", "work authorizations"],
}
TREATY_WORDS = {"treaty", "pact", "agreement", "accord", "accords", "convention", "alliance", "treaties", "pacts"}
ABBREVIATIONS = ["Art.", "art.", "Arts.", "No.", "no.", "para.", "paras.", "Res.", "e.g.", "i.e.", "cf.", "vs.",
                 "St.", "Mr.", "Ms.", "Dr.", "Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


@dataclass
class Claim:
    """One checkable statement, normalised: who (``subjects``, COW codes), what (``relation``, ``object``),
    when (``on`` / ``year``), with its text span and the cues that made it a claim."""

    text: str
    start: int
    end: int
    kind: str
    relation: str
    subjects: list[int] = field(default_factory=list)
    subject_names: list[str] = field(default_factory=list)
    object: str | None = None
    year: int | None = None
    on: str | None = None
    polarity: bool = True
    modality: str = "is"  # is | may (a possibility or intention) | can (a conditional)
    treaty: str | None = None  # a treaty phrase as written (a name or 'the 2024 treaty')
    treaty_year: int | None = None
    article: str | None = None
    parties: list[int] = field(default_factory=list)  # the treaty's parties as the text names them
    exception: str | None = None  # "except humanitarian food"
    amount: str | None = None
    items: list[str] = field(default_factory=list)
    cues: list[str] = field(default_factory=list)
    from_context: list[str] = field(default_factory=list)  # which parts came from earlier sentences

    def to_json(self) -> dict:
        return asdict(self)


# ------------------------------------------------------------------------------------------ reading input


class _Text(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "blockquote",
             "ul", "ol", "table", "header", "footer", "title"}
    SKIP = {"script", "style", "noscript", "template", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def detect_format(text: str, name: str | None = None) -> str:
    suffix = (name or "").lower().rsplit(".", 1)[-1] if name and "." in name else ""
    if suffix in ("html", "htm", "xhtml"):
        return "html"
    if suffix in ("md", "markdown"):
        return "markdown"
    if suffix == "txt":
        return "text"
    head = text.lstrip()[:500].lower()
    if head.startswith(("<!doctype html", "<html")) or re.search(r"<(p|div|body|article)[\s>]", head):
        return "html"
    return "markdown" if re.search(r"^(#{1,6} |\* |- |> )", text, re.M) else "text"


def plain_text(text: str, fmt: str) -> str:
    """The text claims are found in (and their offsets point into): HTML reduced to its visible text,
    Markdown and plain text as they are."""
    if fmt != "html":
        return text
    parser = _Text()
    parser.feed(text)
    parser.close()
    joined = html.unescape("".join(parser.parts))
    joined = re.sub(r"[ \t\r\f\v]+", " ", joined)
    return re.sub(r"\s*\n\s*(\n\s*)+", "\n\n", joined).strip() + "\n"


# ------------------------------------------------------------------------------------------ the gazetteer


@dataclass
class Gazetteer:
    """Names the extractor recognises, each with what it means: state names → COW code, organization
    names → org id, treaty names → treaty id, item names → the HS lookup's key."""

    states: dict[str, int]
    codes: dict[str, int]  # three-letter codes, matched only as written in capitals (RUS, PRK), never 'and'
    organizations: dict[str, str]
    treaties: dict[str, str]
    items: list[str]

    @classmethod
    def from_store(cls, con) -> Gazetteer:
        states, codes = _state_names(con)
        organizations = _organization_names(con)
        treaties = _treaty_names(con, organizations)
        from foedus.sanctions.nomenclature import item_names

        items = sorted(item_names())
        return cls(states, codes, organizations, treaties, items)


# short forms every article uses; resolved through the state names, never a fixed code
_SHORT_FORMS = ("DPRK", "North Korea", "South Korea", "ROK", "USA", "US", "U.S.", "UK", "Britain", "Soviet Union",
                "USSR", "PRC")
_AMBIGUOUS = ("korea", "congo", "germany", "yemen", "vietnam")  # ambiguous without a date: never guessed


class _StateNameTable:
    """State names (lower case) and three-letter codes (as written) → COW code; the first code a name gets wins."""

    def __init__(self):
        self.states: dict[str, int] = {}
        self.codes: dict[str, int] = {}

    def add(self, name, code) -> None:
        name = " ".join(str(name or "").split())
        if re.fullmatch(r"[A-Z]{3}", name):
            self.codes.setdefault(name, int(code))
        elif len(name) >= 3 and not name.isdigit():
            self.states.setdefault(name.lower(), int(code))


def _add_states_table(table: _StateNameTable, con) -> None:
    for code, abbr, name in con.execute("SELECT code, abbr, name FROM states WHERE system = 'cow'").fetchall():
        table.add(name, code)
        table.add(re.sub(r"\s*\(.*\)\s*$", "", str(name)), code)
        table.add(abbr, code)  # RUS, PRK, CHN


def _add_capitals(table: _StateNameTable, con) -> None:
    try:
        rows = con.execute(
            "SELECT code, capital FROM capitals QUALIFY row_number() OVER (PARTITION BY code ORDER BY start_date "
            "DESC) = 1").fetchall()
    except Exception:  # the capitals dataset is optional
        rows = []
    for code, capital in rows:
        table.add(capital, code)
        table.add(re.sub(r"\s+D\.?C\.?$", "", str(capital)), code)


def _add_aliases(table: _StateNameTable) -> None:
    with resources.files("foedus.data").joinpath("state_aliases.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            try:
                table.add(row["alias"], int(row["ccode"]))
            except (KeyError, ValueError):
                continue


def _add_iso_codes(table: _StateNameTable) -> None:
    with resources.files("foedus.data").joinpath("iso_codes.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row.get("cow") or row.get("ccode") or row.get("cow_code")
            if not (code and str(code).isdigit()):
                continue
            for key in ("name", "short_name", "common_name", "alpha3"):
                if row.get(key):
                    table.add(row[key], int(code))


def _add_short_forms(table: _StateNameTable, con) -> None:
    from foedus.naming import StateNames

    names = StateNames(con)
    for short in _SHORT_FORMS:
        try:
            table.add(short, names.resolve(short).code)
        except Exception:  # ambiguous or unknown in this store: left out
            continue


def _state_names(con) -> tuple[dict[str, int], dict[str, int]]:
    """State names and three-letter codes from the states table, capitals, the alias and ISO tables and the
    common short forms, in that order of precedence."""
    table = _StateNameTable()
    _add_states_table(table, con)
    _add_capitals(table, con)
    _add_aliases(table)
    _add_iso_codes(table)
    _add_short_forms(table, con)
    for ambiguous in _AMBIGUOUS:
        table.states.pop(ambiguous, None)
    return table.states, table.codes


def _organization_names(con) -> dict[str, str]:
    organizations: dict[str, str] = {}
    for org_id, name, short, aliases in con.execute(
            "SELECT org_id, name, short_name, aliases FROM organizations").fetchall():
        for label in (name, short, *(aliases or [])):
            if label and len(str(label)) >= 3:
                organizations.setdefault(str(label).lower(), org_id)
    return organizations


def _treaty_names(con, organizations: dict[str, str]) -> dict[str, str]:
    from foedus.query.treaty_names import treaty_catalogue

    treaties: dict[str, str] = {}
    for tid, entry in treaty_catalogue(con).items():
        if entry.how == "generated":
            continue
        for label in (entry.name, entry.formal_title, *entry.aliases):
            if label and len(label) >= 4:
                treaties.setdefault(re.sub(r"\s*\(\d{4}\)$", "", label).lower(), tid)
    # "NATO" is an organization first; its treaty is found from it
    return {label: tid for label, tid in treaties.items() if label not in organizations}


# ------------------------------------------------------------------------------------------ the pipeline


def _token_patterns(nlp, phrase: str, attr: str = "LOWER") -> list[dict]:
    return [{attr: t.lower_} for t in nlp.make_doc(phrase)]


def _register_paragraphs() -> None:
    """The `foedus_paragraphs` component: a sentence starts after every line break (registered once)."""
    from spacy.language import Language

    if Language.has_factory("foedus_paragraphs"):
        return

    @Language.component("foedus_paragraphs")
    def _paragraphs(doc):
        for i, token in enumerate(doc[:-1]):
            if token.is_space and "\n" in token.text:
                doc[i + 1].is_sent_start = True
        return doc


def _gazetteer_patterns(gazetteer: Gazetteer) -> list[dict]:
    """Entity-ruler patterns for every name the gazetteer knows, labelled with what it names."""
    patterns = [{"label": "STATE", "pattern": name, "id": str(code)} for name, code in gazetteer.states.items()]
    patterns += [{"label": "STATE", "pattern": [{"ORTH": name}], "id": str(code)}
                 for name, code in gazetteer.codes.items()]
    patterns += [{"label": "ORG", "pattern": name, "id": org} for name, org in gazetteer.organizations.items()]
    patterns += [{"label": "TREATY", "pattern": name, "id": tid} for name, tid in gazetteer.treaties.items()]
    patterns += [{"label": "ITEM", "pattern": item, "id": item} for item in gazetteer.items]
    return patterns


def _shape_patterns() -> list[dict]:
    """Entity-ruler patterns for dates, months, years, sums of money, articles and treaty references."""
    month = {"LOWER": {"IN": list(MONTHS)}}
    day = {"TEXT": {"REGEX": r"^([1-9]|[12]\d|3[01])(st|nd|rd|th)?$"}}
    year = {"TEXT": {"REGEX": r"^(1[89]\d\d|20\d\d|21\d\d)$"}}
    number = {"TEXT": {"REGEX": r"^\d+([.,]\d+)*$"}}
    scale = {"LOWER": {"IN": ["million", "billion", "thousand", "bn", "m", "mn", "trillion"]}}
    return [
        {"label": "DATE", "pattern": [day, month, {"TEXT": ",", "OP": "?"}, year]},
        {"label": "DATE", "pattern": [month, day, {"TEXT": ",", "OP": "?"}, year]},
        {"label": "DATE", "pattern": [{"TEXT": {"REGEX": r"^\d{4}-\d{2}-\d{2}$"}}]},
        {"label": "MONTH", "pattern": [month, year]},
        {"label": "YEAR", "pattern": [year]},
        {"label": "MONEY", "pattern": [{"TEXT": {"IN": ["$", "US$", "USD"]}}, number, scale]},
        {"label": "MONEY", "pattern": [{"TEXT": {"IN": ["$", "US$", "USD"]}}, number]},
        {"label": "MONEY", "pattern": [number, scale, {"LOWER": {"IN": ["dollars", "usd"]}}]},
        {"label": "ARTICLE", "pattern": [{"LOWER": {"IN": ["article", "art.", "art", "articles", "arts."]}},
                                         {"TEXT": {"REGEX": r"^\d+[a-z]?$"}}]},
        {"label": "TREATYREF", "pattern": [{"LOWER": {"IN": ["treaty", "pact", "agreement"]}},
                                           {"LOWER": {"IN": ["on", "of"]}},
                                           {"IS_TITLE": True, "OP": "+"}]},
    ]


def build_pipeline(gazetteer: Gazetteer):
    """The blank English pipeline with sentencizer, paragraph breaks and the gazetteer's entity ruler."""
    import spacy
    from spacy.attrs import ORTH

    nlp = spacy.blank("en")
    for abbr in ABBREVIATIONS:
        nlp.tokenizer.add_special_case(abbr, [{ORTH: abbr}])
    _register_paragraphs()
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("foedus_paragraphs")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True})
    ruler.add_patterns(_gazetteer_patterns(gazetteer) + _shape_patterns())
    return nlp


def cue_matcher(nlp):
    from spacy.matcher import Matcher

    matcher = Matcher(nlp.vocab)
    for label, phrases in CUES.items():
        matcher.add(label, [_token_patterns(nlp, p) for p in phrases])
    return matcher


# ------------------------------------------------------------------------------------------ the rules


@dataclass
class _Context:
    """What earlier sentences named: the last pair of states and the treaties referred to, newest first."""

    states: list[int] = field(default_factory=list)
    treaties: list[tuple[str, int | None, list[int]]] = field(default_factory=list)

    def treaty_for(self, states: list[int]) -> tuple[str, int | None, list[int]] | None:
        """The newest treaty mentioned whose parties include every state named (any, if none is named)."""
        return next((t for t in self.treaties if set(states) <= set(t[2])), None)

    def remember(self, treaty: str | None, year: int | None, parties: list[int]) -> None:
        if treaty and len(parties) >= 2:
            entry = (treaty, year, parties[:2])
            self.treaties = [entry] + [t for t in self.treaties if t != entry][:9]


def _date(text: str) -> str | None:
    text = text.replace(",", " ")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        return text.strip()
    words = text.lower().split()
    day = next((int(re.sub(r"\D", "", w)) for w in words if re.fullmatch(r"\d{1,2}(st|nd|rd|th)?", w)), None)
    month = next((MONTHS[w] for w in words if w in MONTHS), None)
    year = next((int(w) for w in words if re.fullmatch(r"\d{4}", w)), None)
    if year and month:
        try:
            return dt.date(year, month, day or 1).isoformat() if day else f"{year:04d}-{month:02d}"
        except ValueError:
            return None
    return None


def _unique(values):
    return list(dict.fromkeys(values))


def _part(earlier: tuple[str, int | None, list[int]] | None, index: int):
    """One part (0 name, 1 year, 2 parties) of a treaty an earlier sentence named, None without one."""
    return earlier[index] if earlier else None


@dataclass
class _Sentence:
    """What one sentence names and which cues it has: everything the claim rules read."""

    sent: object
    context: _Context
    cues: dict[str, list]
    states: list[int]
    state_names: dict[int, str]
    orgs: list[str]
    treaties: list
    items: list[str]
    dates: list[str]
    money: list[str]
    articles: list[str]
    treaty_year: int | None
    years: list[int]
    treaty_words: bool
    treaty_text: str | None
    used: list[str] = field(default_factory=list)  # which parts were taken from earlier sentences

    def has(self, label: str) -> bool:
        return label in self.cues

    @property
    def year(self) -> int | None:
        return self.years[0] if self.years else None

    def pair_from_context(self, minimum: int) -> list[int]:
        """The states named, completed with those of earlier sentences when fewer than `minimum` are."""
        if len(self.states) >= minimum:
            return self.states
        got = _unique(self.states + [s for s in self.context.states if s not in self.states])
        if len(got) >= minimum:
            self.used.append("states")
            return got
        return self.states

    def claim(self, kind: str, relation: str, subjects: list[int], **extra) -> Claim:
        sent = self.sent
        text = sent.text.strip()
        offset = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
        made = Claim(text=text, start=offset, end=offset + len(text), kind=kind, relation=relation,
                     subjects=subjects, subject_names=[self.state_names.get(s, str(s)) for s in subjects],
                     polarity=not self.has("NEG"), cues=sorted(self.cues), from_context=self.used, **extra)
        if made.on is None and self.dates:
            made.on = self.dates[0]
        return made


def _sentence_cues(sent, matcher) -> dict[str, list]:
    doc = sent.doc
    cues: dict[str, list] = {}
    for label_id, s, e in matcher(doc[sent.start:sent.end].as_doc()):
        cues.setdefault(doc.vocab.strings[label_id], []).append((sent.start + s, sent.start + e))
    return cues


def _sentence_years(doc, ents) -> tuple[int | None, list[int]]:
    """A year right before a treaty word names the treaty ("the 1961 treaty"); any other is the claim's year."""
    treaty_year, years = None, []
    for e in ents:
        if e.label_ != "YEAR":
            continue
        nxt = doc[e.end] if e.end < len(doc) else None
        if nxt is not None and nxt.lower_ in TREATY_WORDS:
            treaty_year = treaty_year or int(e.text)
        else:
            years.append(int(e.text))
    return treaty_year, years


def _read_sentence(sent, matcher, context: _Context) -> _Sentence:
    ents = [e for e in sent.doc.ents if e.start >= sent.start and e.end <= sent.end]
    treaties = [e for e in ents if e.label_ in ("TREATY", "TREATYREF")]
    treaty_year, years = _sentence_years(sent.doc, ents)
    treaty_text = treaties[0].text if treaties else None
    if treaty_text is None and treaty_year:
        treaty_text = f"the {treaty_year} treaty"
    return _Sentence(
        sent=sent, context=context, cues=_sentence_cues(sent, matcher),
        states=_unique(int(e.ent_id_) for e in ents if e.label_ == "STATE"),
        state_names={int(e.ent_id_): e.text for e in ents if e.label_ == "STATE"},
        orgs=_unique(e.ent_id_ for e in ents if e.label_ == "ORG"),
        treaties=treaties,
        items=_unique(e.ent_id_ for e in ents if e.label_ == "ITEM"),
        dates=[d for e in ents if e.label_ in ("DATE", "MONTH") if (d := _date(e.text))],
        money=[e.text for e in ents if e.label_ == "MONEY"],
        articles=[re.sub(r"^\D+", "", e.text) for e in ents if e.label_ == "ARTICLE"],
        treaty_year=treaty_year, years=years,
        treaty_words=any(t.lower_ in TREATY_WORDS - {"alliance"} for t in sent),
        treaty_text=treaty_text,
    )


# the claim rules, one per kind: each returns its claim, or None when the sentence is not of its kind


def _trade_claim(s: _Sentence) -> Claim | None:
    if not (s.money and s.has("TRADE") and len(s.pair_from_context(2)) >= 2):
        return None
    pair = s.pair_from_context(2)
    return s.claim("trade", "trade_total", pair[:2], amount=s.money[0], year=(s.years or [s.treaty_year])[0])


def _sanctions_claim(s: _Sentence) -> Claim | None:
    has = s.has
    about = has("SANCTION") or (has("PROHIBIT") and (s.items or has("LABOUR") or has("ANY_TRADE"))) or (
        has("ALLOW") and s.items and has("SANCTION"))
    if not (about and (has("ANY_TRADE") or s.items or has("LABOUR"))):
        return None
    relation = "allows" if has("ALLOW") and not has("PROHIBIT") else "prohibits"
    obj = "any_trade" if has("ANY_TRADE") else "labour" if has("LABOUR") and not s.items else s.items[0]
    exempt = None
    if has("EXCEPT"):
        exempt = s.sent.doc[s.cues["EXCEPT"][0][1]:s.sent.end].text.strip(" .") or None
    return s.claim("sanctions", relation, list(s.states), object=obj, items=s.items,
                   year=s.years[0] if s.years else s.treaty_year, exception=exempt,
                   modality="to_dprk" if has("TO_DPRK") else "from_dprk")


def _invocation_claim(s: _Sentence) -> Claim | None:
    if not s.has("INVOKE"):
        return None
    conditional = s.has("ATTACK") and s.has("CAN")
    earlier = None if s.treaty_text else s.context.treaty_for(s.states)
    if not (conditional or s.articles or s.treaty_text or earlier):
        return None
    parties = s.states if len(s.states) >= 2 else earlier[2] if earlier else []
    if earlier:
        s.used.append("treaty")
    return s.claim("invocation", "can_be_invoked" if conditional else "invoked", s.states,
                   treaty=s.treaty_text or _part(earlier, 0), treaty_year=s.treaty_year or _part(earlier, 1),
                   parties=parties, article=s.articles[0] if s.articles else None,
                   modality="can" if conditional else "is", year=s.year)


def _membership_claim(s: _Sentence) -> Claim | None:
    if not (s.orgs and s.has("MEMBER") and (s.states or s.context.states)):
        return None
    subjects = s.states or s.pair_from_context(1)[:1]
    return s.claim("membership", "member_of", subjects[:1], object=s.orgs[0],
                   modality="may" if s.has("MODAL") and not s.has("NOW") else "is", year=s.year)


def _event_claim(s: _Sentence) -> Claim | None:
    if not ((s.has("SIGNED") or s.has("INFORCE") or s.has("ENDED")) and (s.dates or s.years)):
        return None
    relation = "in_force" if s.has("INFORCE") else "ended" if s.has("ENDED") else "signed"
    named = any(e.label_ == "TREATY" for e in s.treaties)  # a name the store knows: no need of context
    earlier = None if (s.treaty_text or len(s.states) >= 2) else s.context.treaty_for(s.states)
    subjects = s.states if len(s.states) >= 2 or named else earlier[2] if earlier else s.pair_from_context(2)
    if earlier:
        s.used.append("treaty")
    return s.claim("event", relation, subjects[:2], treaty=s.treaty_text or _part(earlier, 0),
                   treaty_year=s.treaty_year or _part(earlier, 1), parties=subjects[:2],
                   year=(s.years[0] if s.years else int(s.dates[0][:4]) if s.dates else None))


def _defence_claim(s: _Sentence) -> Claim | None:
    if not (s.has("DEFENCE") and (s.treaty_words or s.treaty_year or s.has("BOUND") or s.treaties)):
        return None
    two = len(s.states) >= 2
    earlier = None if two else s.context.treaty_for(s.states)
    subjects = s.states if two else earlier[2] if earlier and not s.treaty_year else s.pair_from_context(2)
    if not two:
        s.used.append("states")
    relation = "restores_defence" if s.has("RESTORE") else "has_defence"
    return s.claim("defence_clause", relation, subjects[:2], treaty=s.treaty_text or _part(earlier, 0),
                   treaty_year=s.treaty_year or (earlier[1] if earlier and not s.treaty_text else None),
                   parties=subjects[:2], year=s.year, modality="now" if s.has("NOW") else "is")


def _triangle_claim(s: _Sentence) -> Claim | None:
    if not (s.has("TRIANGLE") and len(s.states) >= 3):
        return None
    return s.claim("triangle", "triangle", s.states[:3], year=s.year, modality="may" if s.has("MODAL") else "is")


def _allied_claim(s: _Sentence) -> Claim | None:
    if not (s.has("ALLY") and len(s.states) >= 2 and not s.treaty_words):
        return None
    return s.claim("allied", "allied", s.states[:2], year=s.year,
                   modality="may" if s.has("MODAL") and not s.has("NOW") else "is")


# tried in this order; the first that fits makes the sentence's claim
_CLAIM_RULES = (_trade_claim, _sanctions_claim, _invocation_claim, _membership_claim, _event_claim, _defence_claim,
                _triangle_claim, _allied_claim)


def _sentence_claim(sent, matcher, context: _Context) -> Claim | None:
    sentence = _read_sentence(sent, matcher, context)
    return next((made for rule in _CLAIM_RULES if (made := rule(sentence)) is not None), None)


def extract(text: str, gazetteer: Gazetteer, nlp=None) -> list[Claim]:
    """The claims in `text` (already plain: see :func:`plain_text`), in order."""
    nlp = nlp or build_pipeline(gazetteer)
    matcher = cue_matcher(nlp)
    doc = nlp(text)
    context = _Context()
    found: list[Claim] = []
    for sent in doc.sents:
        if not sent.text.strip():
            continue
        made = _sentence_claim(sent, matcher, context)
        states = _unique(int(e.ent_id_) for e in sent.ents if e.label_ == "STATE")
        if made is not None:
            found.append(made)
            if made.kind in ("defence_clause", "event"):
                year = made.treaty_year or made.year
                context.remember(made.treaty or (f"the {year} treaty" if year else None), year, made.subjects)
            if made.kind in ("defence_clause", "event", "invocation") and len(made.subjects) >= 2:
                context.states = made.subjects[:2]
        if len(states) >= 2:
            context.states = states[:2]
    return found
