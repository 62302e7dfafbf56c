"""As-of queries over the store: who owes what to whom on a date, and treaty records.

The pandas-based names (`directed_commitments`, `dyad`, `obligations`, `records`) are imported on first use: a
command that needs none of them does not import pandas (issue 13.3). `treaty` is the plain record function
(:func:`foedus.query.treaty_record.treaty`); it stays that function after the typed module `foedus.query.treaty`
is imported (which would otherwise bind the package's `treaty` attribute to that module).
"""

from __future__ import annotations

import importlib
import sys
import types

from foedus.query.treaty_record import treaty as _treaty

_LAZY = {"directed_commitments": "commitments", "dyad": "commitments", "obligations": "commitments",
         "records": "commitments"}

__all__ = ["directed_commitments", "dyad", "obligations", "records", "treaty"]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f"foedus.query.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'foedus.query' has no attribute {name!r}")


class _Package(types.ModuleType):
    @property
    def treaty(self):
        return _treaty

    @treaty.setter
    def treaty(self, _module) -> None:
        """The import system binds the submodule here; it stays reachable as sys.modules['foedus.query.treaty']."""


sys.modules[__name__].__class__ = _Package
