"""Views of the regime: the measures in force on a date, and its history resolution by resolution.

The typed answers built on them are in :mod:`foedus.sanctions.report`."""

from __future__ import annotations

import datetime as dt

from foedus.sanctions.model import Measure, Regime, StatusChange
from foedus.sanctions.report import sources as _sources


def in_force(regime: Regime, day: dt.date) -> list[Measure]:
    """Measures in force on `day`, oldest resolution first."""
    return sorted((m for m in regime.measures if m.covers(day)), key=lambda m: (m.start, m.resolution, m.id))


def status_on(regime: Regime, day: dt.date) -> list[StatusChange]:
    """Status changes that had happened by `day`, most recent first."""
    return sorted((s for s in regime.status_changes if s.date <= day), key=lambda s: s.date, reverse=True)


def history(regime: Regime) -> list[dict]:
    """The regime resolution by resolution: what each added and ended, with status changes in date order."""
    events: list[dict] = []
    ended: dict[int, list[Measure]] = {}
    for measure in regime.measures:
        if measure.superseded_by:
            successor = regime.by_id[measure.superseded_by]
            ended.setdefault(successor.resolution, []).append(measure)
    for resolution in sorted(regime.resolutions, key=lambda r: r.adopted):
        added = [m for m in regime.measures if m.resolution == resolution.number]
        exemptions = [
            e
            for m in regime.measures
            for e in m.exemptions
            if (e.resolution or m.resolution) == resolution.number
        ]
        exemptions += [e for e in regime.general_exemptions if e.resolution == resolution.number]
        events.append(
            {
                "type": "resolution",
                "date": resolution.adopted,
                "resolution": resolution.number,
                "symbol": resolution.symbol,
                "url": resolution.url,
                "trigger": resolution.trigger,
                "summary": resolution.summary,
                "added": [
                    {
                        "id": m.id,
                        "paragraph": m.paragraph,
                        "kind": m.kind,
                        "title": m.title,
                        "uncertain": m.uncertain,
                    }
                    for m in added
                ],
                "exemptions_added": [
                    {"id": e.id, "paragraph": e.paragraph, "title": e.title} for e in exemptions
                ],
                "replaced": [
                    {
                        "id": m.id,
                        "resolution": m.resolution,
                        "paragraph": m.paragraph,
                        "title": m.title,
                        "until": m.end,
                        "by": m.superseded_by,
                    }
                    for m in ended.get(resolution.number, [])
                ],
                "sources": _sources(resolution),
            }
        )
    for change in regime.status_changes:
        events.append(
            {
                "type": "status",
                "date": change.date,
                "resolution": change.resolution,
                "event": change.event,
                "effect": change.effect,
                "uncertain": change.uncertain,
                "sources": _sources(change),
            }
        )
    for exemption in regime.general_exemptions:
        if exemption.resolution not in regime.by_number and exemption.start:
            events.append(
                {
                    "type": "exemption",
                    "date": exemption.start,
                    "resolution": exemption.resolution,
                    "event": exemption.title,
                    "effect": exemption.requires,
                    "sources": _sources(exemption),
                }
            )
    for measure in regime.measures:
        for exemption in measure.exemptions:
            if exemption.resolution and exemption.resolution not in regime.by_number and exemption.start:
                events.append(
                    {
                        "type": "exemption",
                        "date": exemption.start,
                        "resolution": exemption.resolution,
                        "event": f"{exemption.title} (from {measure.id})",
                        "effect": exemption.requires,
                        "uncertain": exemption.uncertain,
                        "sources": _sources(exemption),
                    }
                )
    return sorted(events, key=lambda e: (e["date"], e["type"] != "resolution"))
