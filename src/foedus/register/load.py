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

import yaml
from pydantic import ValidationError

from foedus.errors import FoedusError
from foedus.register.model import DatasetUpdate, Organization, RegisterFile, StatusNote, Treaty


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so the model validates them (and names a bad one)."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class RegisterError(FoedusError):
    """A register file is invalid: names the file, entry and field."""

    def __init__(self, file: str, message: str, entry: str | None = None, field: str | None = None):
        self.file, self.entry, self.field, self.reason = file, entry, field, message
        where = file
        if entry is not None:
            where += f", entry '{entry}'"
        if field is not None:
            where += f", field '{field}'"
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


def _location(raw: dict, loc: tuple) -> tuple[str | None, str | None]:
    """(entry id, dotted field path) for a pydantic error location in a file's raw data."""
    if len(loc) >= 2 and loc[0] == "entries" and isinstance(loc[1], int):
        entries = raw.get("entries") if isinstance(raw, dict) else None
        entry = None
        if isinstance(entries, list) and loc[1] < len(entries) and isinstance(entries[loc[1]], dict):
            entry = entries[loc[1]].get("id")
        entry = str(entry) if entry is not None else f"#{loc[1] + 1}"
        rest = [
            str(p) for p in loc[2:] if p not in {"treaty", "dataset_update", "organization", "status_note"}
        ]
        path = ""
        for part in rest:
            path += f"[{part}]" if part.isdigit() else (f".{part}" if path else part)
        return entry, path or None
    return None, ".".join(str(p) for p in loc) or None


def load_file(path: Path) -> RegisterFile:
    name = Path(path).name
    try:
        raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (safe loader)
    except yaml.YAMLError as exc:
        raise RegisterError(name, f"not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise RegisterError(name, "a register file is a mapping with 'title', 'checked' and 'entries'")
    try:
        return RegisterFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        entry, where = _location(raw, tuple(first["loc"]))
        message = first["msg"].removeprefix("Value error, ")
        more = len(exc.errors()) - 1
        if more:
            message += f" (and {more} more problem{'s' if more > 1 else ''} in this file)"
        raise RegisterError(name, message, entry, where) from None


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
        if isinstance(entry, Treaty):
            for i, ref in enumerate(entry.replaces):
                if not known(ref):
                    raise RegisterError(name, f"unknown treaty '{ref}'", entry.id, f"replaces[{i}]")
        elif isinstance(entry, DatasetUpdate):
            if entry.ended_by is not None and not known(entry.ended_by):
                raise RegisterError(name, f"unknown treaty '{entry.ended_by}'", entry.id, "ended_by")
        elif isinstance(entry, Organization):
            if entry.treaty is not None and not known(entry.treaty):
                raise RegisterError(name, f"unknown treaty '{entry.treaty}'", entry.id, "treaty")
        elif isinstance(entry, StatusNote):
            if not known(entry.subject):
                raise RegisterError(name, f"unknown subject '{entry.subject}'", entry.id, "subject")
