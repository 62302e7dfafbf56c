"""Read the regime and trade YAML files; a validation error names the file, entry, field and line."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from foedus.sanctions.model import Regime, SanctionsDataError, TradeFile


def _default(name: str) -> Path:
    return Path(str(resources.files("foedus.sanctions").joinpath("data", name)))


def _node_at(node, loc: tuple) -> yaml.Node | None:
    """The YAML node a pydantic error location points at (as deep as it can be followed)."""
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


def _describe(data, loc: tuple) -> tuple[str, str]:
    """('measures[12] (id 'coal-2371')', 'exemptions[0].purpose') from a pydantic location."""
    entry, rest, value = "", list(loc), data
    if len(rest) >= 2 and isinstance(rest[1], int):
        section, index = rest[0], rest[1]
        entry = f"{section}[{index}]"
        try:
            value = data[section][index]
            if isinstance(value, dict) and "id" in value:
                entry += f" (id '{value['id']}')"
            elif isinstance(value, dict) and "number" in value:
                entry += f" (resolution {value['number']})"
        except (KeyError, IndexError, TypeError):
            pass
        rest = rest[2:]
    field = ""
    for part in rest:
        field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
    return entry, field


def _validate(model: type[BaseModel], path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SanctionsDataError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise SanctionsDataError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise SanctionsDataError(f"{path}: expected a mapping at the top level")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        messages = []
        for error in exc.errors()[:5]:
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            entry, field = _describe(data, loc)
            node = _node_at(root, loc)
            line = f", line {node.start_mark.line + 1}" if node is not None else ""
            where = ", ".join(p for p in (entry, f"field '{field}'" if field else "") if p)
            messages.append(f"{path.name}{line}: {where or 'top level'}: {error['msg']}")
        more = f" (and {exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
        raise SanctionsDataError("; ".join(messages) + more) from None


def load_regime(path: str | Path | None = None) -> Regime:
    """The regime from `path` (default: the packaged measures.yaml)."""
    if path is None:
        return _default_regime()
    return _validate(Regime, Path(path))


@lru_cache(maxsize=1)
def _default_regime() -> Regime:
    return _validate(Regime, _default("measures.yaml"))


def load_trade_file(path: str | Path | None = None) -> TradeFile:
    """Trade observations from a YAML file (default: the packaged trade.yaml)."""
    return _validate(TradeFile, Path(path) if path else _default("trade.yaml"))
