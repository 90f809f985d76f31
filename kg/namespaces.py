"""IRI namespaces of the graph: our ontology, our resources, and the vocabularies we reuse.

Everything the mapping emits is named here once. IRIs under ``ID`` are minted
from NCT ids, MeSH ids and normalised keys only, so they are the same on
every run, machine and input format; they are part of our public interface
and must not change between versions.
"""

from __future__ import annotations

from functools import cache

from pyoxigraph import NamedNode

__all__ = [
    "CODE",
    "CTKG",
    "DCTERMS",
    "GEO",
    "GRAPH",
    "ID",
    "MESH",
    "OWL",
    "PREFIXES",
    "PROV",
    "PUBMED",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SKOS",
    "WGS84",
    "XSD",
    "Namespace",
]


class Namespace(str):
    """A base IRI whose attributes and items are cached ``NamedNode`` terms."""

    def term(self, local: str) -> NamedNode:
        return _named(self + local)

    def __getattr__(self, local: str) -> NamedNode:
        if local.startswith("__"):
            raise AttributeError(local)
        node = _named(self + local)
        self.__dict__[local] = node  # later look-ups are plain attribute reads
        return node

    def __getitem__(self, local: str) -> NamedNode:  # type: ignore[override]
        return _named(self + local)


@cache
def _named(iri: str) -> NamedNode:
    return NamedNode(iri)


CTKG = Namespace("https://w3id.org/ctkg/ontology#")
ID = Namespace("https://w3id.org/ctkg/id/")
CODE = Namespace("https://w3id.org/ctkg/code/")
GRAPH = Namespace("https://w3id.org/ctkg/graph/")

RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
WGS84 = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
MESH = Namespace("http://id.nlm.nih.gov/mesh/")
PUBMED = Namespace("https://pubmed.ncbi.nlm.nih.gov/")

PREFIXES: dict[str, str] = {
    "ctkg": str(CTKG),
    "ctid": str(ID),
    "trial": f"{ID}trial/",
    "organization": f"{ID}organization/",
    "person": f"{ID}person/",
    "site": f"{ID}site/",
    "condition": f"{ID}condition/",
    "intervention": f"{ID}intervention/",
    "country": f"{ID}country/",
    "code": str(CODE),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "wgs84": str(WGS84),
    "geo": str(GEO),
    "mesh": str(MESH),
    "pubmed": str(PUBMED),
}
