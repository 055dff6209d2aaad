"""The relation graph: read the store as a graph, query it, export it.

- ``models``: the records this package hands out (frozen dataclasses).
- ``names``: turn what a user types (a region, a term, any entity, filters) into keys.
- ``build``: a selection of relations as streamed nodes and edges, or a networkx graph.
- ``query``: adopters, region profiles, diffusion timelines, co-adoption, similarity,
  the adoption table and its region-by-year panel.
- ``export``: one module per file format, every writer streaming to a temporary file that
  is renamed into place when complete.

Aggregation happens in SQL through ``ingest.store.Store``; networkx holds graphs only
when a caller asks for one (``build.build_graph``, ``build.ego_graph``).
"""
