"""One YAML-plus-pydantic loader: parse a file, validate it against a model, and name every problem precisely.

`load_model(path, Model)` returns the validated model or raises `YamlLoadError`, whose `problems` each give
the file, the 1-based line (from YAML's node marks), the entry (a list item of a top-level section, named by
its `id` when it has one) and the dotted field path, e.g.::

    dprk.yaml, line 14, entry 'russia-dprk-2024', field 'obligations[0].type': Input should be 'defense', ...

The register (`foedus.register.load`) and the sanctions data (`foedus.sanctions.load`) both use it; each
turns the problems into its own error class.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from foedus.errors import FoedusError

M = TypeVar("M", bound=BaseModel)


FastSafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""Safe YAML through libyaml when PyYAML was built with it (several times faster); its nodes carry marks too."""


class TextDatesLoader(FastSafeLoader):
    """Safe YAML that leaves dates as text, so the model validates them (and names a bad one)."""


TextDatesLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Problem:
    """One validation problem, located in the file."""

    file: str
    message: str
    line: int | None = None
    section: str | None = None  # top-level key holding the entry list, e.g. 'entries', 'measures'
    index: int | None = None  # position of the entry in that list (0-based)
    entry_id: str | None = None  # the entry's `id` (or another naming key), if it has one
    field: str | None = None  # dotted path inside the entry (or from the top when no entry)

    @property
    def entry(self) -> str | None:
        """The entry's id, else its position ('#3')."""
        if self.index is None:
            return None
        return self.entry_id if self.entry_id is not None else f"#{self.index + 1}"

    def text(self) -> str:
        where = self.file + (f", line {self.line}" if self.line else "")
        if self.entry is not None:
            where += f", entry '{self.entry}'"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class YamlLoadError(FoedusError):
    """A YAML data file failed to parse or validate; `problems` locate each fault."""

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = problems
        self.total = total if total is not None else len(problems)
        more = self.total - len(problems)
        text = "; ".join(p.text() for p in problems)
        super().__init__(text + (f" (and {more} more)" if more > 0 else ""))


def node_at(node, loc: tuple) -> yaml.Node | None:
    """The deepest YAML node a pydantic error location can be followed to."""
    found = node
    for part in loc:
        if isinstance(found, yaml.MappingNode):
            nxt = next((v for k, v in found.value if k.value == str(part)), None)
        elif isinstance(found, yaml.SequenceNode) and isinstance(part, int) and part < len(found.value):
            nxt = found.value[part]
        else:
            nxt = None
        if nxt is None:
            break
        found = nxt
    return found


def _field_path(parts) -> str | None:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or None


def locate(
    data, root, loc: tuple, file: str, message: str, *, skip: frozenset[str] = frozenset(), id_keys=("id",)
) -> Problem:
    """A `Problem` for one pydantic error location `loc` in the raw `data` (and its composed YAML `root`).

    `skip` names location parts to drop (e.g. discriminator tags such as 'treaty'); `id_keys` are the keys
    that name an entry, tried in order.
    """
    loc = tuple(p for p in loc if not (isinstance(p, str) and (p in skip or p.startswith("function-"))))
    node = node_at(root, loc) if root is not None else None
    line = node.start_mark.line + 1 if node is not None else None
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        section, index = loc[0], loc[1]
        entry_id = None
        try:
            item = data[section][index]
        except (KeyError, IndexError, TypeError):
            item = None
        if isinstance(item, dict):
            for key in id_keys:
                if item.get(key) is not None:
                    entry_id = str(item[key])
                    break
        return Problem(file, message, line, section, index, entry_id, _field_path(loc[2:]))
    return Problem(file, message, line, field=_field_path(loc))


def _parse(text: str, loader: type):
    """Compose the document once and construct the data from that node tree (what ``yaml.load`` does, keeping
    the nodes for the line numbers)."""
    instance = loader(text)
    try:
        root = instance.get_single_node()
        data = instance.construct_document(root) if root is not None else None
    finally:
        instance.dispose()
    return data, root


def read_yaml(path: Path, loader: type = FastSafeLoader):
    """(data, composed root node) of a YAML file; raises YamlLoadError naming the file and line.

    `loader`: a safe loader class (SafeLoader, CSafeLoader or a subclass of either)."""
    name = Path(path).name
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise YamlLoadError([Problem(name, f"cannot read ({exc.strerror})")]) from None
    try:
        data, root = _parse(text, loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise YamlLoadError([Problem(name, f"not valid YAML ({exc})", line)]) from None
    return data, root


def load_model(
    path: str | Path,
    model: type[M],
    *,
    loader: type = FastSafeLoader,
    skip: frozenset[str] = frozenset(),
    id_keys=("id",),
    limit: int = 5,
) -> M:
    """Parse `path` and validate it as `model`; raise YamlLoadError with up to `limit` located problems."""
    path = Path(path)
    data, root = read_yaml(path, loader)
    if not isinstance(data, dict):
        raise YamlLoadError([Problem(path.name, "expected a mapping at the top level", 1)])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        problems = [
            locate(data, root, tuple(e["loc"]), path.name, e["msg"].removeprefix("Value error, "),
                   skip=skip, id_keys=id_keys)
            for e in errors[:limit]
        ]
        raise YamlLoadError(problems, len(errors)) from None
