"""ctkg: clinical-trial registry records as a linked, validated RDF knowledge graph.

The layers, each usable on its own:

* ``kg.readers.read_records(paths)`` -> ``Trial`` records (or ``Rejection``\\ s)
* ``kg.mapping.trial_triples(trial)`` -> RDF triples (pure, deterministic)
* ``kg.writers.write_rdf(...)`` and ``kg.convert.convert(...)`` -> RDF files
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
