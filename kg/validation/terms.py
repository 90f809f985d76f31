"""Conversions between pyoxigraph and rdflib terms, and their N-Triples text.

The two engines see the same data through different libraries: the compiled engine reads a
pyoxigraph store, pySHACL an rdflib graph. Converting here, in one place, keeps RDF 1.1 semantics
on both sides: a pyoxigraph plain literal carries the datatype ``xsd:string``, which becomes an
rdflib ``Literal`` without datatype (as rdflib's own parsers make it), so ``sh:datatype
xsd:string`` and equality behave alike on both sides.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

__all__ = ["canonical_text", "ox_to_rdflib", "rdflib_to_ox", "text_of"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def ox_to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == _XSD_STRING:
        return Literal(term.value)
    # normalize=False: rdflib would otherwise rewrite lexical forms ("10"^^xsd:double -> "10.0"),
    # and a result's sh:value must be the data's own literal
    return Literal(term.value, datatype=URIRef(datatype), normalize=False)


def rdflib_to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) not in (_XSD_STRING, _LANG_STRING):
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def text_of(term: Node | ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """The N-Triples text of a term of either library (pyoxigraph's canonical escaping)."""
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return str(term)
    return str(rdflib_to_ox(term))


_CANONICAL = ox.Store()


@lru_cache(maxsize=65536)
def _canonical(text: str) -> str:
    rows = _CANONICAL.query(f"SELECT ?x WHERE {{ VALUES ?x {{ {text} }} }}")
    return str(next(iter(rows))["x"])  # type: ignore[index]


def canonical_text(term: Node | ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """The N-Triples text of a term with a typed literal in the canonical form a pyoxigraph store keeps.

    A store holds numbers, booleans and dates in their canonical lexical form ("40.0"^^xsd:decimal
    is stored as "40"), so the compiled engine reports values that way; the reference engine's
    values are put in the same form to compare and print alike.
    """
    text = text_of(term)
    if text.startswith('"') and "^^<" in text and not text.endswith(f"<{_XSD_STRING}>"):
        return _canonical(text)
    return text
