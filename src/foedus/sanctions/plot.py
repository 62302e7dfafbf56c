"""Trade series with the resolutions marked on the time axis, as PNG or SVG (matplotlib, Agg, no pyplot)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory

from foedus.errors import BadInputError
from foedus.sanctions.model import Regime
from foedus.sanctions.states import state_name

FORMATS = (".png", ".svg")
_MARKERS = {
    "official": ("o", True),
    "derived": ("s", False),
    "estimated": ("^", False),
    "unspecified": ("D", True),
}
_CLOSE_DAYS = 200


def _mid_year(year: int) -> dt.date:
    return dt.date(int(year), 7, 1)


def _mark_resolutions(ax, regime: Regime, start: dt.date, end: dt.date) -> None:
    """Dashed lines at adoption dates, labels stacked where resolutions come close together."""
    transform = blended_transform_factory(ax.transData, ax.transAxes)
    last_on_level: list[dt.date] = []
    for resolution in sorted(regime.resolutions, key=lambda r: r.adopted):
        if not start <= resolution.adopted <= end:
            continue
        level = next(
            (i for i, day in enumerate(last_on_level) if (resolution.adopted - day).days >= _CLOSE_DAYS),
            len(last_on_level),
        )
        if level == len(last_on_level):
            last_on_level.append(resolution.adopted)
        last_on_level[level] = resolution.adopted
        ax.axvline(resolution.adopted, color="0.45", linestyle="--", linewidth=0.8, zorder=1)
        ax.text(
            resolution.adopted,
            1.01 + 0.045 * level,
            str(resolution.number),
            transform=transform,
            fontsize=8,
            color="0.2",
            va="bottom",
            ha="center",
        )
    for change in regime.status_changes:
        if "Panel of Experts mandate expires" in change.event and start <= change.date <= end:
            ax.axvline(change.date, color="tab:red", linestyle=":", linewidth=1.0, zorder=1)
            ax.text(
                change.date,
                0.03,
                " Panel of Experts ends",
                transform=transform,
                fontsize=8,
                color="tab:red",
                va="bottom",
                ha="left",
            )


def plot_trade(
    series: pd.DataFrame, out: str | Path, regime: Regime, title: str | None = None, log: bool = False
) -> Path:
    """Plot annual values (one line per reporter-partner pair, gaps left open) to `out` (.png or .svg)."""
    out = Path(out)
    if out.suffix.lower() not in FORMATS:
        raise BadInputError("", f"plot file '{out}' must end in .png or .svg")
    if series.empty:
        raise BadInputError("", "no trade observations to plot")
    figure = Figure(figsize=(11, 5.5), dpi=150, layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    for (reporter, partner), rows in series.groupby(["reporter", "partner"], sort=True):
        years = range(int(rows["year"].min()), int(rows["year"].max()) + 1)
        values = rows.groupby("year")["value_usd"].sum().reindex(years) / 1e6
        dates = [_mid_year(y) for y in years]
        (line,) = ax.plot(
            dates,
            values.to_numpy(),
            linewidth=1.8,
            label=f"{state_name(reporter)}–{state_name(partner)} (reported by {state_name(reporter)})",
        )
        for status, (marker, filled) in _MARKERS.items():
            points = rows[rows["status"] == status]
            if points.empty:
                continue
            ax.scatter(
                [_mid_year(y) for y in points["year"]],
                points["value_usd"] / 1e6,
                marker=marker,
                s=36,
                zorder=3,
                edgecolors=line.get_color(),
                facecolors=line.get_color() if filled else "white",
                linewidths=1.4,
            )
    first, last = int(series["year"].min()), int(series["year"].max())
    start, end = dt.date(first, 1, 1), dt.date(last, 12, 31)
    _mark_resolutions(ax, regime, start, end)
    ax.set_xlim(start, end)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_ylabel("US$ million (annual)")
    if log:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
    ax.grid(axis="y", color="0.9")
    figure.suptitle(title or "Trade with the DPRK and the UN Security Council resolutions", fontsize=12)
    handles, _ = ax.get_legend_handles_labels()
    handles += [
        Line2D([], [], color="0.3", marker=m, linestyle="", markerfacecolor="0.3" if f else "white", label=s)
        for s, (m, f) in _MARKERS.items()
        if (series["status"] == s).any()
    ]
    handles.append(Line2D([], [], color="0.45", linestyle="--", label="UN resolution adopted (number above)"))
    figure.legend(handles=handles, loc="outside lower center", ncol=4, fontsize=8, frameon=False)
    figure.savefig(out, format=out.suffix.lower().lstrip("."))
    return out
