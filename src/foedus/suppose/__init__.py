"""What-if overlays: suppose facts (a state joins or leaves an organization or treaty, a new treaty, a treaty's end,
a suspension) and ask any question of the supposed world; the store is never written.

>>> from foedus import suppose
>>> s = suppose.parse("PRK joins CSTO from 2025-01-01")
>>> with suppose.apply(con, [s]) as world:          # an in-memory copy with the supposed rows
...     organization_answer(world, "CSTO", "2025-06-01")
>>> suppose.compare(con, [s], "org", name="CSTO", on="2025-06-01").text()

Grammar: :mod:`foedus.suppose.grammar`; how the facts are written: :mod:`foedus.suppose.overlay`; side-by-side
answers: :mod:`foedus.suppose.sidebyside`.
"""

from foedus.suppose.grammar import FORMS, Supposition, load_file, parse, parse_many
from foedus.suppose.overlay import Applied, applied, apply, copy_store, write

__all__ = ["FORMS", "Applied", "Supposition", "applied", "apply", "compare", "copy_store", "load_file", "parse",
           "parse_many", "write"]


def compare(con, suppositions, question: str, **arguments):
    """The answer to `question` in the real and the supposed world side by side (:mod:`foedus.suppose.sidebyside`).

    Args:
        con (duckdb.DuckDBPyConnection): An open store connection; it is read, never written.
        suppositions (Supposition | str | list): A supposition, its text, or a list of either.
        question: The question's name, as `foedus.suppose.sidebyside` lists them (e.g. `org`).
        **arguments (Any): The question's own arguments (e.g. `name=`, `on=`).

    Returns:
        comparison (Comparison): The answers of the real and the supposed world side by side;
            `.text()` renders them as text.

    Examples:
        >>> from foedus import suppose
        >>> s = suppose.parse("PRK joins CSTO from 2025-01-01")
        >>> side_by_side = suppose.compare(con, [s], "org", name="CSTO", on="2025-06-01")
    """
    from foedus.suppose.sidebyside import compare as run

    return run(con, suppositions, question, **arguments)
