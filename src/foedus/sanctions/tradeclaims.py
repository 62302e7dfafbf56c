"""Competing trade figures side by side, and a claimed figure assessed against them.

A claim ("26 million", "$2.18 bn", "1,100,000") for a reporter, partner, year (and optionally a month range
and flow) is compared with every recorded figure for exactly that period: within the tolerance (default 10%)
it is ``consistent``; otherwise it is ``off`` by the difference to the closest figure of the best status
(official, then estimated, then derived); with no figure for that period it is ``no figure`` — and figures for
other periods of the same year (part-year against full-year) are shown as context, never compared.
"""

from __future__ import annotations

import calendar
import re

import pandas as pd

from foedus.errors import BadInputError

_SCALE = {
    "": 1, "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "million": 1e6, "millions": 1e6,
    "b": 1e9, "bn": 1e9, "billion": 1e9, "billions": 1e9,
}
_AMOUNT = re.compile(r"(?:us)?\$?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*([a-z]*)\s*(?:dollars|usd|us\$)?", re.ASCII)
_RANK = {"official": 0, "estimated": 1, "derived": 2, "unspecified": 3}


def parse_amount(text: str, parameter: str) -> float:
    """'26 million' → 26e6; '$2.18 bn' → 2.18e9; '1,100,000' → 1.1e6."""
    raw = " ".join(str(text).split()).casefold()
    match = _AMOUNT.fullmatch(raw.replace("us$", "$")) if len(raw) <= 40 else None
    if match is None or match.group(2) not in _SCALE:
        raise BadInputError(parameter, f"'{str(text)[:40]}' is not an amount in US dollars",
                            fix="e.g. '26 million', '$2.18 bn' or 26000000")
    return float(match.group(1).replace(",", "")) * _SCALE[match.group(2)]


def parse_months(text: str, parameter: str) -> str:
    """'1-6' or 'Jan-Jun' → '1-6'; the whole year (1-12) → ''."""
    names = {calendar.month_abbr[i].casefold(): i for i in range(1, 13)}
    parts = [p.strip().casefold()[:3] for p in str(text).replace("–", "-").split("-")]
    try:
        numbers = [int(p) if p.isdigit() else names[p] for p in parts]
    except KeyError:
        numbers = []
    if len(numbers) != 2 or not all(1 <= n <= 12 for n in numbers) or numbers[1] < numbers[0]:
        raise BadInputError(parameter, f"'{str(text)[:20]}' is not a month range", fix="e.g. 1-6 or Jan-Jun")
    return "" if numbers == [1, 12] else f"{numbers[0]}-{numbers[1]}"


def period_label(months: str) -> str:
    if not months:
        return "whole year"
    first, last = (int(x) for x in months.split("-"))
    return calendar.month_abbr[first] + ("" if first == last else f"–{calendar.month_abbr[last]}")


def _figure(row) -> dict:
    return {
        "value_usd": float(row["value_usd"]),
        "status": row["status"],
        "source": row["source"],
        "url": row["url"] or None,
        "note": row["note"] or None,
    }


def groups(table: pd.DataFrame) -> list[dict]:
    """One group per reporter, partner, year, period and flow, with every recorded figure (best status first)
    and the spread between the highest and lowest."""
    from foedus.sanctions.states import state_name

    rows = table[table["hs"] == ""]
    out = []
    for (reporter, partner, year, months, flow), part in rows.groupby(
        ["reporter", "partner", "year", "months", "flow"], sort=True
    ):
        part = part.assign(rank=part["status"].map(_RANK).fillna(9)).sort_values(["rank", "value_usd"])
        figures = [_figure(r) for _, r in part.iterrows()]
        values = [f["value_usd"] for f in figures]
        out.append({
            "reporter": int(reporter), "reporter_name": state_name(int(reporter)),
            "partner": int(partner), "partner_name": state_name(int(partner)),
            "year": int(year), "months": months or None, "period": period_label(months), "flow": flow,
            "figures": figures,
            "spread_pct": round((max(values) - min(values)) / min(values) * 100, 1) if min(values) > 0 else None,
        })
    return out


def gaps_for(table: pd.DataFrame, seed: bool, reporter: int | None = None, partner: int | None = None,
             year: int | None = None) -> list[dict]:
    """Years the seed file records as having no figure (with what the sources say instead)."""
    if not seed:
        return []
    from foedus.sanctions.load import load_trade_file

    out = []
    for gap in load_trade_file().gaps:
        if (reporter, partner, year) != (None, None, None) and (
            (reporter is not None and gap.reporter != reporter) or (partner is not None and gap.partner != partner)
            or (year is not None and gap.year != year)
        ):
            continue
        if reporter is None and partner is None and year is None and not (
            ((table["reporter"] == gap.reporter) & (table["partner"] == gap.partner)).any()
        ):
            continue
        out.append(gap.model_dump(exclude_none=True))
    return out


def _pct(claim: float, value: float) -> float | None:
    return round((claim - value) / value * 100, 1) if value else None


def assess(table: pd.DataFrame, value: float, text: str, reporter: int, partner: int | None, year: int,
           months: str | None, flow: str, tolerance: float, seed: bool) -> dict:
    """The assessment as the fields of :class:`foedus.sanctions.report.TradeAssessment`."""
    from foedus.sanctions.states import state_name

    months = months or ""
    rows = table[(table["hs"] == "") & (table["reporter"] == reporter) & (table["year"] == year)
                 & (table["flow"] == flow)]
    if partner is not None:
        rows = rows[rows["partner"] == partner]
    same = rows[rows["months"] == months]
    other = rows[rows["months"] != months]
    compared = []
    for _, row in same.assign(rank=same["status"].map(_RANK).fillna(9)).sort_values(["rank", "value_usd"]).iterrows():
        figure = _figure(row)
        diff = _pct(value, figure["value_usd"])
        figure["difference_pct"] = diff
        figure["consistent"] = diff is not None and abs(diff) <= tolerance * 100
        compared.append(figure)
    context = [{**_figure(r), "period": period_label(r["months"]), "months": r["months"] or None}
               for _, r in other.iterrows()]
    claim = {
        "text": text, "value_usd": value, "reporter": reporter, "reporter_name": state_name(reporter),
        "partner": partner, "partner_name": state_name(partner) if partner is not None else None,
        "year": year, "months": months or None, "period": period_label(months), "flow": flow,
    }
    where = f"{state_name(reporter)}–{state_name(partner) if partner is not None else 'all'} {flow} {year}"
    where += f" ({period_label(months)})" if months else ""
    if not compared:
        verdict = "no figure"
        explanation = f"No recorded figure for {where}."
        if context:
            explanation += " Figures for other periods of that year are listed as context, not compared."
    elif any(f["consistent"] for f in compared):
        verdict = "consistent"
        best = next(f for f in compared if f["consistent"])
        explanation = (f"${value:,.0f} is within {tolerance:.0%} of the {best['status']} figure "
                       f"${best['value_usd']:,.0f} ({best['source']}).")
    else:
        best_rank = min(_RANK.get(f["status"], 9) for f in compared)
        candidates = [f for f in compared if _RANK.get(f["status"], 9) == best_rank]
        closest = min(candidates, key=lambda f: abs(f["difference_pct"] or 0))
        diff = closest["difference_pct"]
        verdict = f"off by {diff:+.0f}%"
        explanation = (f"${value:,.0f} is {abs(diff):.0f}% {'above' if diff > 0 else 'below'} the "
                       f"{closest['status']} figure ${closest['value_usd']:,.0f} for {where} ({closest['source']}).")
    return {
        "claim": claim,
        "verdict": verdict,
        "explanation": explanation,
        "tolerance": tolerance,
        "compared": compared,
        "context": context,
        "gaps": gaps_for(table, seed, reporter, partner, year),
    }
