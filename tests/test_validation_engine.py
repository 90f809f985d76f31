"""The compiled engine's own choices, each checked against what running the shapes as written gives.

The mutation tests compare the two engines on every constraint of the shipped shapes. These pin
down what the compiled engine does in its own way: the set-wise forms of the SPARQL rules
(``ctsh:setwiseSelect``), classes with subclasses, a store whose graphs repeat triples, and
checks run on several threads.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pyoxigraph as ox
from test_validation_mutations import CASES, _both, _rename
from validation_helpers import TODAY, base_triples, full, run, shapes_for

from kg.validation import engine_sparql, validate_store
from kg.validation.shapes import parse_shapes

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
CTKG = "https://w3id.org/ctkg/ontology#"
Triples = list[ox.Triple]


def _store(triples: Triples) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def _rows(store: ox.Store, query: str) -> set[tuple[tuple[str, str], ...]]:
    solutions = store.query(query)
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return {tuple(sorted((n, str(t)) for n, t in zip(names, row, strict=True) if t is not None))
            for row in solutions}  # type: ignore[union-attr]


def _cases_by_day() -> dict[date, Triples]:
    """Every base and mutated record of the mutation cases, each case in its own namespace, per "today"."""
    days: dict[date, Triples] = {}
    for index, case in enumerate(CASES):
        base, mutated = _both(case)
        days.setdefault(case.today, []).extend(_rename(base, f"c{index}b") + _rename(mutated, f"c{index}m"))
    return days


def _focus_rows(store: ox.Store, rows: set[tuple[tuple[str, str], ...]], classes: Iterable[object]
                ) -> set[tuple[tuple[str, str], ...]]:
    """The rows whose $this is an instance of one of the classes: those the compiled engine keeps."""
    focus = {str(q.subject) for c in classes for q in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(str(c)))}
    return {row for row in rows if dict(row).get("this") in focus}


def test_setwise_forms_select_what_the_rules_select() -> None:
    """With $this unbound, each ctsh:setwiseSelect returns the rows of its sh:select for the shape's focus nodes.

    The engine joins $this with the focus nodes itself, so a setwise form may leave the target
    class out (a second hash join over every trial site otherwise); rows of other nodes do not count.
    """
    found: dict[str, int] = {}
    for today, triples in _cases_by_day().items():
        store = _store(triples)
        for shape in parse_shapes(shapes_for(today)):
            for constraint in shape.sparql:
                if constraint.setwise is None:
                    continue
                expected = _focus_rows(store, _rows(store, constraint.select), shape.target_classes)
                setwise = _focus_rows(store, _rows(store, constraint.setwise), shape.target_classes)
                assert setwise == expected, shape.node
                found[str(shape.node)] = found.get(str(shape.node), 0) + len(expected)
    assert len(found) >= 10
    assert all(found.values()), [shape for shape, rows in found.items() if not rows]  # never vacuous


def test_subclass_instances_are_focus_nodes_and_class_members() -> None:
    """With rdfs:subClassOf in the data, both engines take a subclass's instances as the class's."""
    triples = list(base_triples("seed-xml"))
    hospital = ox.NamedNode("https://example.org/Hospital")
    site = ox.NamedNode(CTKG + "Site")
    sites = sorted({t.subject for t in triples if t.predicate == RDF_TYPE and t.object == site}, key=str)
    assert sites
    retyped = [ox.Triple(t.subject, t.predicate, hospital) if t.predicate == RDF_TYPE and t.subject == sites[0]
               and t.object == site else t for t in triples]
    bare = ox.NamedNode("https://w3id.org/ctkg/id/site/bare-hospital")  # a focus node through the subclass only
    data = [*retyped, ox.Triple(hospital, SUBCLASS, site), ox.Triple(bare, RDF_TYPE, hospital)]
    compiled = run(data, "sparql")
    assert full(compiled) == full(run(data, "pyshacl"))
    assert any(r.focus_node == f"<{bare.value}>" for r in compiled.results)


def test_a_triple_in_several_graphs_counts_once() -> None:
    """The union of graphs that repeat triples: a value met twice is one value (no maxCount result)."""
    triples = list(base_triples("seed-xml"))
    store = ox.Store()
    for graph in ("https://example.org/g1", "https://example.org/g2"):
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples)
    in_store = validate_store(store, shapes=shapes_for(TODAY))
    assert in_store.results == run(triples, "sparql").results
    assert in_store.triples == len(set(triples))


def test_threads_do_not_change_results() -> None:
    triples = [*_rename(list(base_triples("seed-xml")), "a"), *_rename(list(base_triples("json-alias")), "b")]
    shapes = parse_shapes(shapes_for(TODAY))
    one = engine_sparql.run(_store(triples), shapes, threads=1)
    several = engine_sparql.run(_store(triples), shapes, threads=3)
    assert one and sorted(one) == sorted(several)
