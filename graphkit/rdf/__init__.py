"""RDF from records: one term library (:mod:`graphkit.rdf.terms`) and one mapping
(:mod:`graphkit.rdf.mapping` for curated and bulk records, :mod:`graphkit.rdf.datasets` for the
rows of imported datasets), so every fact reaches RDF through one path (decision 0015)."""
