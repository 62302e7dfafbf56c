"""The Harmonized System 2022 nomenclature: which codes exist, what they are called, and item names → codes.

`data/hs2022.yaml` (cited: WCO, HS Nomenclature 2022 edition) lists the 21 sections, the 97 chapters (77
reserved), every heading of the chapters the UN measures on the DPRK name most (26, 27, 93) and common item
names. A code is valid when its chapter exists and, in a chapter whose headings are all listed, its heading
exists; finer digits (subheadings, national lines) are not checked and the answer says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from foedus.errors import BadInputError
from foedus.sanctions.hs import normalize
from foedus.yamlload import YamlLoadError, load_model

MAX_ITEM_LENGTH = 100


class _Citation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    issuer: str
    date: str
    url: str = Field(pattern=r"^https?://\S+$")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    chapters: str = Field(pattern=r"^\d{2}(-\d{2})?$")
    title: str


class _Nomenclature(BaseModel):
    model_config = ConfigDict(extra="forbid")
    citation: _Citation
    sections: list[_Section]
    chapters: dict[str, str]
    reserved_chapters: list[str]
    complete_chapters: list[str]
    headings: dict[str, str]
    items: dict[str, str]


@dataclass(frozen=True)
class CodeReading:
    """What an HS code (or item name) means: its section, chapter, heading and how far it was checked."""

    code: str
    section: str
    section_title: str
    chapter: str
    chapter_title: str
    heading: str | None
    heading_title: str | None
    checked: str  # 'heading', 'chapter' (finer digits not checked)
    item: str | None = None  # the item name it was read from

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "item": self.item,
            "section": self.section,
            "section_title": self.section_title,
            "chapter": self.chapter,
            "chapter_title": self.chapter_title,
            "heading": self.heading,
            "heading_title": self.heading_title,
            "checked": self.checked,
            "source": citation(),
        }

    def label(self) -> str:
        title = self.heading_title or self.chapter_title
        read = f"'{self.item}' read as " if self.item else ""
        return f"{read}HS {self.code} ({title})"


def _path() -> Path:
    return Path(str(resources.files("foedus.sanctions").joinpath("data", "hs2022.yaml")))


@lru_cache(maxsize=1)
def _data() -> _Nomenclature:
    try:
        return load_model(_path(), _Nomenclature)
    except YamlLoadError as exc:  # a broken shipped file is a bug, but say where
        raise RuntimeError(f"the HS nomenclature file is broken: {exc}") from None


def citation() -> dict:
    c = _data().citation
    return {"kind": "reference", "title": c.title, "issuer": c.issuer, "date": c.date, "url": c.url}


def _section_of(chapter: str) -> tuple[str, str]:
    for section in _data().sections:
        lo, _, hi = section.chapters.partition("-")
        if int(lo) <= int(chapter) <= int(hi or lo):
            return section.id, section.title
    raise KeyError(chapter)


def sections() -> list[dict]:
    """The 21 sections with their chapters, for summaries by section."""
    out = []
    for section in _data().sections:
        lo, _, hi = section.chapters.partition("-")
        chapters = [f"{c:02d}" for c in range(int(lo), int(hi or lo) + 1) if f"{c:02d}" in _data().chapters]
        out.append({"section": section.id, "title": section.title, "chapters": chapters})
    return out


def chapter_title(chapter: str) -> str:
    return _data().chapters[chapter]


def read_code(code: str, parameter: str = "--hs") -> CodeReading:
    """Validate an HS code against the 2022 nomenclature; BadInputError naming `parameter` otherwise."""
    try:
        digits = normalize(code)
    except ValueError as exc:
        raise BadInputError(parameter, str(exc), fix="give 2, 4, 6, 8 or 10 digits, e.g. 2701 or 270112") from None
    data = _data()
    chapter = digits[:2]
    if chapter in data.reserved_chapters:
        raise BadInputError(parameter, f"'{code}': chapter {chapter} is reserved in the HS and holds no goods",
                            fix="check the code")
    if chapter not in data.chapters:
        raise BadInputError(
            parameter, f"'{code}' is not an HS code: there is no chapter {chapter} in the HS 2022 nomenclature "
            "(chapters 01-97; 98 and 99 are for national use only)", fix="check the code, or use --item NAME")
    heading = digits[:4] if len(digits) >= 4 else None
    heading_title = data.headings.get(heading) if heading else None
    if heading and heading_title is None and chapter in data.complete_chapters:
        known = ", ".join(h for h in data.headings if h.startswith(chapter))
        raise BadInputError(parameter, f"'{code}': there is no heading {heading} in HS 2022 chapter {chapter}",
                            fix=f"headings of chapter {chapter}: {known}")
    section, section_title = _section_of(chapter)
    checked = "heading" if heading_title is not None or (heading is None) else "chapter"
    return CodeReading(digits, section, section_title, chapter, data.chapters[chapter], heading, heading_title,
                       checked)


def read_item(text: str, parameter: str = "--item") -> CodeReading:
    """An item name ('artillery shells', 'coal', 'seafood') → the HS heading or chapter foedus reads it as."""
    raw = " ".join(str(text).split())
    if not raw:
        raise BadInputError(parameter, "give an item name", fix="e.g. --item coal")
    if len(raw) > MAX_ITEM_LENGTH:
        raise BadInputError(parameter, f"an item name of {len(raw)} characters is too long",
                            fix=f"at most {MAX_ITEM_LENGTH}")
    items = _data().items
    key = raw.casefold()
    for variant in (key[:-1] if key.endswith("s") else None, key + "s"):
        if key not in items and variant in items:
            key = variant
    if key not in items:
        from rapidfuzz import process

        matches = [m for m, score, _ in process.extract(key, list(items), limit=5) if score >= 60]
        hint = f"closest: {', '.join(matches)}" if matches else "or give the code with --hs"
        raise BadInputError(parameter, f"no HS reading for the item '{raw}'", fix=hint)
    spec = items[key]
    if re.fullmatch(r"\d{2}-\d{2}", spec):
        lo, hi = spec.split("-")
        raise BadInputError(
            parameter, f"'{raw}' spans HS chapters {lo}-{hi}; a shipment needs one",
            fix=f"give --hs with one chapter or heading, e.g. {lo} ({chapter_title(lo)})")
    reading = read_code(spec, parameter)
    return CodeReading(**{**reading.__dict__, "item": raw})


def item_names() -> dict[str, str]:
    """Every item name foedus knows, with its code or chapter range."""
    return dict(_data().items)
