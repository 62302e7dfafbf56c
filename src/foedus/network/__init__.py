"""Alliance network analytics on top of :func:`foedus.query.directed_commitments`.

One algorithm per module: ``snapshot`` (the commitment graph and its exports), ``triads``
(closed defense triangles and open triads), ``blocs`` (community detection and polarization),
``sscore`` (Signorino–Ritter portfolio similarity), ``diff`` (what changed between two dates) and
``plots`` (matplotlib figures).
"""

from foedus.network.snapshot import commitment_graph, write_graph

__all__ = ["commitment_graph", "write_graph"]
