"""Find the known dataset files in a data directory (ours or the official release names) and import them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from foedus.ingest.atop import import_atop
from foedus.ingest.capabilities import import_majors, import_nmc
from foedus.ingest.extra import (
    import_capitals,
    import_contiguity,
    import_cow_wars,
    import_igo,
    import_mid_disputes,
    import_mid_dyad_years,
    import_mid_participants,
    import_rivalries,
)
from foedus.ingest.states import import_cow_states, import_gw_states
from foedus.ingest.wars import import_wars


@dataclass
class KnownDataset:
    name: str
    patterns: list[list[str]]  # one list of glob alternatives per file the importer needs
    load: Callable


# Order matters: state lists first, since ATOP member codes are checked against them.
KNOWN = [
    KnownDataset("COW states", [["cow_states2016.csv", "states2016.csv", "states*.csv"]], import_cow_states),
    KnownDataset("GW states", [["gw_states.csv", "gwstates*.csv", "iisystem.dat"]], import_gw_states),
    KnownDataset(
        "ATOP",
        [
            ["atop4_01_member_level.csv", "atop*_member_level.csv", "atop5_1m.csv", "atop5*m.csv", "atop4*m.csv"],
            ["atop4_01_alliance_level.csv", "atop*_alliance_level.csv", "atop5_1a.csv", "atop5*a.csv", "atop4*a.csv"],
        ],
        import_atop,
    ),
    KnownDataset("COW major powers", [["cow_majors2016.csv", "majors2016.csv", "majors*.csv"]], import_majors),
    KnownDataset("COW NMC", [["cow_nmc.csv", "NMC*.csv", "nmc*.csv"]], import_nmc),
    KnownDataset("Interstate wars (revised)", [["interstate_wars_revised.csv"]], import_wars),
    KnownDataset("COW contiguity", [["cow_contdir.csv", "contdir*.csv", "DirectContiguity*.csv"]], import_contiguity),
    KnownDataset("COW capitals", [["cow_capitals.csv"]], import_capitals),
    KnownDataset("GML MID participants", [["gml_part.csv", "gml-midb*.csv"]], import_mid_participants),
    KnownDataset("GML MID disputes", [["gml_mid_disps.csv", "gml-mida*.csv"]], import_mid_disputes),
    KnownDataset("GML MID dyad-years", [["gml_dirdisp.csv"]], import_mid_dyad_years),
    KnownDataset("COW inter-state wars", [["cow_war_inter.csv"]], import_cow_wars),
    KnownDataset("Thompson-Dreyer rivalries", [["td_rivalries.csv"]], import_rivalries),
    KnownDataset("COW IGO", [["cow_igo_sy.csv", "state_year_formatv3.csv"]], import_igo),
]


def _find(directory: Path, alternatives: list[str]) -> Path | None:
    for pattern in alternatives:
        matches = sorted(directory.glob(pattern), reverse=True)  # newest version first
        if matches:
            return matches[0]
    return None


def find_files(directory: Path) -> list[tuple[KnownDataset, list[Path]]]:
    """The known datasets present in `directory`, each with its files."""
    found = []
    for known in KNOWN:
        paths = [_find(Path(directory), alternatives) for alternatives in known.patterns]
        if all(paths):
            found.append((known, paths))
    return found


def import_steps(directory: Path, register: bool = True) -> list[tuple[str, Callable]]:
    """The imports to run for `directory`, in order: each (label, function of a connection)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"Data directory {directory} does not exist")
    found = find_files(directory)
    if not found:
        raise FileNotFoundError(f"No known dataset files in {directory}")
    steps = [
        (f"{known.name} ({', '.join(p.name for p in paths)})", lambda con, k=known, p=paths: k.load(con, *p))
        for known, paths in found
    ]
    if register:
        from foedus.register.store import write_register  # the curated register extends the datasets

        steps.append(("curated register (src/foedus/register/data)", write_register))
    return steps


def import_directory(con, directory: Path, progress: Callable[[str], None] | None = None,
                     register: bool = True) -> dict[str, int]:
    """Import every known dataset found, then the curated register; each is its own transaction."""
    counts = {}
    for label, step in import_steps(directory, register):
        if progress:
            progress(label)
        counts[label.split(" (")[0]] = step(con)
    return counts
