"""Load and validate the register's YAML files.

`load_register()` reads every `*.yaml` in the package's `register/data` (or a directory given),
validates each file against `foedus.register.model` and then the register as a whole (ids unique,
references resolvable). Any problem raises `RegisterError` naming the file, the entry id and the
field, e.g. ``dprk.yaml, entry 'russia-dprk-2024', field 'in_force': ...``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from foedus.errors import FoedusError
from foedus.register.model import DatasetUpdate, Invocation, Organization, RegisterFile, StatusNote, Treaty
from foedus.yamlload import TextDatesLoader, YamlLoadError, load_model


class RegisterError(FoedusError):
    """A register file is invalid: names the file, entry and field."""

    def __init__(
        self, file: str, message: str, entry: str | None = None, field: str | None = None, line: int | None = None
    ):
        self.file, self.entry, self.field, self.reason, self.line = file, entry, field, message, line
        where = file
        if entry is not None:
            where += f", entry '{entry}'"
        if field is not None:
            where += f", field '{field}'"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {message}")


@dataclass
class Register:
    """Every validated file of the register, by file name."""

    files: dict[str, RegisterFile] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)

    def entries(self):
        """(file name, entry) pairs in file order."""
        for name, register_file in self.files.items():
            for entry in register_file.entries:
                yield name, entry

    def of_kind(self, kind: type):
        return [(name, e) for name, e in self.entries() if isinstance(e, kind)]

    @property
    def checked(self) -> str:
        return max((f.checked for f in self.files.values()), default="")

    def digest(self) -> str:
        return hashlib.sha256("".join(self.digests[k] for k in sorted(self.digests)).encode()).hexdigest()


def default_directory() -> Path:
    return Path(str(resources.files("foedus.register").joinpath("data")))


_KIND_TAGS = frozenset({"treaty", "dataset_update", "organization", "status_note", "invocation"})


def load_file(path: Path) -> RegisterFile:
    """One register file, validated (via the shared loader `foedus.yamlload`)."""
    try:
        return load_model(path, RegisterFile, loader=TextDatesLoader, skip=_KIND_TAGS, limit=50)
    except YamlLoadError as exc:
        first = exc.problems[0]
        message = first.message
        more = exc.total - 1
        if more:
            message += f" (and {more} more problem{'s' if more > 1 else ''} in this file)"
        if first.message.startswith("expected a mapping"):
            message = "a register file is a mapping with 'title', 'checked' and 'entries'"
        # a YAML syntax error's own text already gives the line and column
        line = None if first.message.startswith("not valid YAML") else first.line
        raise RegisterError(first.file, message.replace("not valid YAML (", "not valid YAML: (", 1), first.entry,
                            first.field, line) from None


def load_register(directory: str | Path | None = None) -> Register:
    """Every register file in `directory` (default: the package's), validated together."""
    directory = Path(directory) if directory is not None else default_directory()
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise RegisterError(str(directory), "no register files (*.yaml)")
    register = Register()
    for path in paths:
        register.files[path.name] = load_file(path)
        register.digests[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    check_references(register)
    return register


def check_references(register: Register) -> None:
    """Ids unique across files; every reference to another entry resolves."""
    seen: dict[str, str] = {}
    for name, entry in register.entries():
        if entry.id in seen:
            raise RegisterError(name, f"id already used in {seen[entry.id]}", entry.id, "id")
        seen[entry.id] = name
    treaties = {f"reg:{e.id}" for _, e in register.of_kind(Treaty)}
    orgs = {f"org:{e.id}" for _, e in register.of_kind(Organization)}

    def known(ref: str) -> bool:
        return ref.startswith("atop:") and ref[5:].isdigit() or ref in treaties or ref in orgs

    for name, entry in register.entries():
        for ref, where, what in _references(entry):
            if not known(ref):
                raise RegisterError(name, f"unknown {what} '{ref}'", entry.id, where)


# what each kind of entry refers to: entry -> [(reference, field, what it names)], in the order checked
_REFERENCE_FIELDS = (
    (Treaty, lambda e: [(ref, f"replaces[{i}]", "treaty") for i, ref in enumerate(e.replaces)]),
    (DatasetUpdate, lambda e: [] if e.ended_by is None else [(e.ended_by, "ended_by", "treaty")]),
    (Organization, lambda e: [] if e.treaty is None else [(e.treaty, "treaty", "treaty")]),
    (StatusNote, lambda e: [(e.subject, "subject", "subject")]),
    (Invocation, lambda e: [(e.treaty, "treaty", "treaty")]),
)


def _references(entry) -> list[tuple[str, str, str]]:
    """The references `entry` makes to other entries (treaties, organizations), with their field names."""
    return next((refs(entry) for kind, refs in _REFERENCE_FIELDS if isinstance(entry, kind)), [])
