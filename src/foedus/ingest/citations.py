"""References of the datasets the new importers read (no pandas: `foedus.panels.cite` imports this)."""

from __future__ import annotations

CITATIONS = {
    "COW contiguity": (
        "Stinnett, Douglas M., Jaroslav Tir, Philip Schafer, Paul F. Diehl, and Charles Gochman. 2002. "
        '"The Correlates of War Project Direct Contiguity Data, Version 3." Conflict Management and Peace '
        "Science 19(2): 58-66."
    ),
    "COW capitals": (
        'Miller, Steven V. 2022. "peacesciencer: An R Package for Quantitative Peace Science Research." '
        "Conflict Management and Peace Science 39(6): 755-779. (capitals table)"
    ),
    "GML MID": (
        'Gibler, Douglas M., Steven V. Miller, and Erin K. Little. 2016. "An Analysis of the Militarized '
        'Interstate Dispute (MID) Dataset, 1816-2001." International Studies Quarterly 60(4): 719-730.'
    ),
    "COW inter-state wars": (
        "Sarkees, Meredith Reid and Frank Wayman. 2010. Resort to War: 1816-2007. CQ Press. "
        "(COW Inter-State War data v4.0.)"
    ),
    "Thompson-Dreyer rivalries": (
        "Thompson, William R. and David Dreyer. 2012. Handbook of International Rivalries, 1494-2010. CQ Press."
    ),
    "COW IGO": (
        "Pevehouse, Jon C.W., Timothy Nordstrom, Roseanne W. McManus, and Anne Spencer Jamison. 2020. "
        '"Tracking Organizations in the World: The Correlates of War IGO Version 3.0 Datasets." Journal of '
        "Peace Research 57(3): 492-503."
    ),
}
DATASET_CITATION = {
    "COW contiguity": "COW contiguity", "COW capitals": "COW capitals", "GML MID participants": "GML MID",
    "GML MID disputes": "GML MID", "GML MID dyad-years": "GML MID", "COW inter-state wars": "COW inter-state wars",
    "Thompson-Dreyer rivalries": "Thompson-Dreyer rivalries", "COW IGO": "COW IGO",
}

__all__ = ["CITATIONS", "DATASET_CITATION"]
