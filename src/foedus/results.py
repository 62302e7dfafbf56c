"""Typed answers: the one result type per question, shared by the Python API, the CLI and the HTTP API.

Every answer is a pydantic model that validates what the library computed (so a shape error is caught
where it is made) and knows its JSON form, :meth:`Result.to_json` — the ``--json`` contract the CLI
prints and the HTTP API returns (the API's ``response_model`` is the same class). Records with keys that
appear only when they apply (a ``note`` after coverage, ``confirmed_by`` …) are :class:`Record` models:
they declare the keys always present and keep the others, in order, as extras; ``to_json`` gives back
exactly the keys that were set. Answers whose JSON is a list are :class:`ListResult` (a root model).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, RootModel


class Record(BaseModel):
    """A JSON record: declared keys first, then any further keys the library set, in order."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Result(BaseModel):
    """An answer whose JSON is an object."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_json(self):
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class ListResult(RootModel):
    """An answer whose JSON is a list (``root``)."""

    def to_json(self):
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)

    def __iter__(self):
        return iter(self.root)

    def __len__(self) -> int:
        return len(self.root)

    def __getitem__(self, index):
        return self.root[index]
