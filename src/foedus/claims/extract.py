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
        states: dict[str, int] = {}
        codes: dict[str, int] = {}

        def add(name, code):
            name = " ".join(str(name or "").split())
            if re.fullmatch(r"[A-Z]{3}", name):
                codes.setdefault(name, int(code))
            elif len(name) >= 3 and not name.isdigit():
                states.setdefault(name.lower(), int(code))

        for code, abbr, name in con.execute("SELECT code, abbr, name FROM states WHERE system = 'cow'").fetchall():
            add(name, code)
            base = re.sub(r"\s*\(.*\)\s*$", "", str(name))
            add(base, code)
            add(abbr, code)  # RUS, PRK, CHN
        try:
            rows = con.execute(
                "SELECT code, capital FROM capitals QUALIFY row_number() OVER (PARTITION BY code ORDER BY start_date "
                "DESC) = 1").fetchall()
        except Exception:  # the capitals dataset is optional
            rows = []
        for code, capital in rows:
            add(capital, code)
            add(re.sub(r"\s+D\.?C\.?$", "", str(capital)), code)
        with resources.files("foedus.data").joinpath("state_aliases.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                try:
                    add(row["alias"], int(row["ccode"]))
                except (KeyError, ValueError):
                    continue
        with resources.files("foedus.data").joinpath("iso_codes.csv").open(encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                code = row.get("cow") or row.get("ccode") or row.get("cow_code")
                for key in ("name", "short_name", "common_name"):
                    if code and str(code).isdigit() and row.get(key):
                        add(row[key], int(code))
                if code and str(code).isdigit() and row.get("alpha3"):
                    add(row["alpha3"], int(code))
        # short forms every article uses; resolved through the state names, never a fixed code
        from foedus.naming import StateNames

        names = StateNames(con)
        for short in ("DPRK", "North Korea", "South Korea", "ROK", "USA", "US", "U.S.", "UK", "Britain",
                      "Soviet Union", "USSR", "PRC"):
            try:
                add(short, names.resolve(short).code)
            except Exception:  # ambiguous or unknown in this store: left out
                continue
        for ambiguous in ("korea", "congo", "germany", "yemen", "vietnam"):
            states.pop(ambiguous, None)  # ambiguous without a date: never guessed
        organizations: dict[str, str] = {}
        for org_id, name, short, aliases in con.execute(
                "SELECT org_id, name, short_name, aliases FROM organizations").fetchall():
            for label in (name, short, *(aliases or [])):
                if label and len(str(label)) >= 3:
                    organizations.setdefault(str(label).lower(), org_id)
        from foedus.query.treaty_names import treaty_catalogue

        treaties: dict[str, str] = {}
        for tid, entry in treaty_catalogue(con).items():
            if entry.how == "generated":
                continue
            for label in (entry.name, entry.formal_title, *entry.aliases):
                if label and len(label) >= 4:
                    treaties.setdefault(re.sub(r"\s*\(\d{4}\)$", "", label).lower(), tid)
        for label in list(treaties):
            if label in organizations:  # "NATO" is an organization first; its treaty is found from it
                treaties.pop(label)
        from foedus.sanctions.nomenclature import item_names

        items = sorted(item_names())
        return cls(states, codes, organizations, treaties, items)


# ------------------------------------------------------------------------------------------ the pipeline


def _token_patterns(nlp, phrase: str, attr: str = "LOWER") -> list[dict]:
    return [{attr: t.lower_} for t in nlp.make_doc(phrase)]


def build_pipeline(gazetteer: Gazetteer):
    """The blank English pipeline with sentencizer, paragraph breaks and the gazetteer's entity ruler."""
    import spacy
    from spacy.attrs import ORTH
    from spacy.language import Language

    nlp = spacy.blank("en")
    for abbr in ABBREVIATIONS:
        nlp.tokenizer.add_special_case(abbr, [{ORTH: abbr}])

    if not Language.has_factory("foedus_paragraphs"):
        @Language.component("foedus_paragraphs")
        def _paragraphs(doc):
            for i, token in enumerate(doc[:-1]):
                if token.is_space and "\n" in token.text:
                    doc[i + 1].is_sent_start = True
            return doc

    nlp.add_pipe("sentencizer")
    nlp.add_pipe("foedus_paragraphs")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True})
    patterns = []
    for name, code in gazetteer.states.items():
        patterns.append({"label": "STATE", "pattern": name, "id": str(code)})
    for name, code in gazetteer.codes.items():
        patterns.append({"label": "STATE", "pattern": [{"ORTH": name}], "id": str(code)})
    for name, org in gazetteer.organizations.items():
        patterns.append({"label": "ORG", "pattern": name, "id": org})
    for name, tid in gazetteer.treaties.items():
        patterns.append({"label": "TREATY", "pattern": name, "id": tid})
    for item in gazetteer.items:
        patterns.append({"label": "ITEM", "pattern": item, "id": item})
    month = {"LOWER": {"IN": list(MONTHS)}}
    day = {"TEXT": {"REGEX": r"^([1-9]|[12]\d|3[01])(st|nd|rd|th)?$"}}
    year = {"TEXT": {"REGEX": r"^(1[89]\d\d|20\d\d|21\d\d)$"}}
    number = {"TEXT": {"REGEX": r"^\d+([.,]\d+)*$"}}
    scale = {"LOWER": {"IN": ["million", "billion", "thousand", "bn", "m", "mn", "trillion"]}}
    patterns += [
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
    ruler.add_patterns(patterns)
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


def _sentence_claim(sent, matcher, context: _Context) -> Claim | None:  # noqa: C901 - one rule table
    doc = sent.doc
    cues: dict[str, list] = {}
    for label_id, s, e in matcher(doc[sent.start:sent.end].as_doc()):
        cues.setdefault(doc.vocab.strings[label_id], []).append((sent.start + s, sent.start + e))
    has = cues.__contains__
    ents = [e for e in doc.ents if e.start >= sent.start and e.end <= sent.end]
    states = _unique(int(e.ent_id_) for e in ents if e.label_ == "STATE")
    state_names = {int(e.ent_id_): e.text for e in ents if e.label_ == "STATE"}
    orgs = _unique(e.ent_id_ for e in ents if e.label_ == "ORG")
    treaties = [e for e in ents if e.label_ in ("TREATY", "TREATYREF")]
    items = _unique(e.ent_id_ for e in ents if e.label_ == "ITEM")
    dates = [d for e in ents if e.label_ in ("DATE", "MONTH") if (d := _date(e.text))]
    money = [e.text for e in ents if e.label_ == "MONEY"]
    articles = [re.sub(r"^\D+", "", e.text) for e in ents if e.label_ == "ARTICLE"]
    # a year right before a treaty word names the treaty ("the 1961 treaty"); any other is the claim's year
    treaty_year, years = None, []
    for e in ents:
        if e.label_ != "YEAR":
            continue
        nxt = doc[e.end] if e.end < len(doc) else None
        if nxt is not None and nxt.lower_ in TREATY_WORDS:
            treaty_year = treaty_year or int(e.text)
        else:
            years.append(int(e.text))
    treaty_words = any(t.lower_ in TREATY_WORDS - {"alliance"} for t in sent)
    treaty_text = treaties[0].text if treaties else None
    if treaty_text is None and treaty_year:
        treaty_text = f"the {treaty_year} treaty"
    negated = has("NEG")
    modal = has("MODAL")
    used: list[str] = []

    def pair_from_context(minimum: int) -> list[int]:
        if len(states) >= minimum:
            return states
        got = _unique(states + [s for s in context.states if s not in states])
        if len(got) >= minimum:
            used.append("states")
            return got
        return states

    def claim(kind: str, relation: str, subjects: list[int], **extra) -> Claim:
        text = sent.text.strip()
        offset = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
        made = Claim(text=text, start=offset, end=offset + len(text), kind=kind, relation=relation,
                     subjects=subjects, subject_names=[state_names.get(s, str(s)) for s in subjects],
                     polarity=not negated, cues=sorted(cues), from_context=used, **extra)
        if made.on is None and dates:
            made.on = dates[0]
        return made

    if money and has("TRADE") and len(pair_from_context(2)) >= 2:
        pair = pair_from_context(2)
        return claim("trade", "trade_total", pair[:2], amount=money[0], year=(years or [treaty_year])[0])
    if has("SANCTION") or (has("PROHIBIT") and (items or has("LABOUR") or has("ANY_TRADE"))) or (
            has("ALLOW") and items and has("SANCTION")):
        if has("ANY_TRADE") or items or has("LABOUR"):
            relation = "allows" if has("ALLOW") and not has("PROHIBIT") else "prohibits"
            obj = "any_trade" if has("ANY_TRADE") else "labour" if has("LABOUR") and not items else items[0]
            exempt = None
            if has("EXCEPT"):
                exempt = doc[cues["EXCEPT"][0][1]:sent.end].text.strip(" .") or None
            return claim("sanctions", relation, list(states), object=obj, items=items,
                         year=years[0] if years else treaty_year, exception=exempt,
                         modality="to_dprk" if has("TO_DPRK") else "from_dprk")
    if has("INVOKE"):
        conditional = has("ATTACK") and has("CAN")
        earlier = None if treaty_text else context.treaty_for(states)
        if conditional or articles or treaty_text or earlier:
            parties = states if len(states) >= 2 else earlier[2] if earlier else []
            if earlier:
                used.append("treaty")
            return claim("invocation", "can_be_invoked" if conditional else "invoked", states,
                         treaty=treaty_text or (earlier[0] if earlier else None),
                         treaty_year=treaty_year or (earlier[1] if earlier else None), parties=parties,
                         article=articles[0] if articles else None, modality="can" if conditional else "is",
                         year=years[0] if years else None)
    if orgs and has("MEMBER") and (states or context.states):
        subjects = states or pair_from_context(1)[:1]
        return claim("membership", "member_of", subjects[:1], object=orgs[0],
                     modality="may" if modal and not has("NOW") else "is", year=years[0] if years else None)
    if (has("SIGNED") or has("INFORCE") or has("ENDED")) and (dates or years):
        relation = "in_force" if has("INFORCE") else "ended" if has("ENDED") else "signed"
        named = any(e.label_ == "TREATY" for e in treaties)  # a name the store knows: no need of context
        earlier = None if (treaty_text or len(states) >= 2) else context.treaty_for(states)
        subjects = states if len(states) >= 2 or named else earlier[2] if earlier else pair_from_context(2)
        if earlier:
            used.append("treaty")
        return claim("event", relation, subjects[:2], treaty=treaty_text or (earlier[0] if earlier else None),
                     treaty_year=treaty_year or (earlier[1] if earlier else None), parties=subjects[:2],
                     year=(years[0] if years else int(dates[0][:4]) if dates else None))
    if has("DEFENCE") and (treaty_words or treaty_year or has("BOUND") or treaties):
        earlier = None if len(states) >= 2 else context.treaty_for(states)
        subjects = states if len(states) >= 2 else earlier[2] if earlier and not treaty_year else pair_from_context(2)
        if len(states) < 2:
            used.append("states")
        relation = "restores_defence" if has("RESTORE") else "has_defence"
        return claim("defence_clause", relation, subjects[:2], treaty=treaty_text or (earlier[0] if earlier else None),
                     treaty_year=treaty_year or (earlier[1] if earlier and not treaty_text else None),
                     parties=subjects[:2], year=years[0] if years else None, modality="now" if has("NOW") else "is")
    if has("TRIANGLE") and len(states) >= 3:
        return claim("triangle", "triangle", states[:3], year=years[0] if years else None,
                     modality="may" if modal else "is")
    if has("ALLY") and len(states) >= 2 and not treaty_words:
        return claim("allied", "allied", states[:2], year=years[0] if years else None,
                     modality="may" if modal and not has("NOW") else "is")
    return None


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
