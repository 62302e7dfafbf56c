"""Read the regime and trade YAML files; a validation error names the file, entry, field and line."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel

from foedus.sanctions.model import Regime, SanctionsDataError, TradeFile
from foedus.yamlload import YamlLoadError, load_model


def _default(name: str) -> Path:
    return Path(str(resources.files("foedus.sanctions").joinpath("data", name)))


def _validate(model: type[BaseModel], path: Path):
    """Validate through the shared loader (`foedus.yamlload`); problems keep this module's message form."""
    try:
        return load_model(path, model, id_keys=("id", "number"))
    except YamlLoadError as exc:
        messages = []
        for p in exc.problems:
            if p.index is None and p.field is None:
                messages.append(f"{path if 'YAML' in p.message or 'read' in p.message else p.file}: {p.message}")
                continue
            entry = ""
            if p.index is not None:
                entry = f"{p.section}[{p.index}]"
                if p.entry_id is not None:
                    entry += f" (id '{p.entry_id}')" if not p.entry_id.isdigit() else f" (resolution {p.entry_id})"
            line = f", line {p.line}" if p.line else ""
            where = ", ".join(x for x in (entry, f"field '{p.field}'" if p.field else "") if x)
            messages.append(f"{p.file}{line}: {where or 'top level'}: {p.message}")
        more = f" (and {exc.total - len(exc.problems)} more)" if exc.total > len(exc.problems) else ""
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
