"""The compiled engine: SHACL shapes as set-wise SPARQL queries over a pyoxigraph store.

pySHACL checks one focus node at a time in Python, and runs a SPARQL constraint once per focus
node; at registry scale that is minutes per ten thousand trials. Here each constraint is one
query that finds every failing focus node at once, and the store's indexes do the joins:

* value constraints of a property shape (``sh:datatype``, ``sh:nodeKind``, ``sh:class``,
  ``sh:in``, ``sh:pattern``, ``sh:min/maxInclusive/Exclusive``, ``sh:or`` of those) become one
  query that reads each (focus node, value) pair once and binds one boolean per constraint;
* ``sh:minCount`` of all property shapes of a node shape becomes one query (``FILTER NOT
  EXISTS`` for a minimum of one), ``sh:maxCount`` one query per property shape (a second,
  different value for a maximum of one; ``GROUP BY ... HAVING`` otherwise);
* ``sh:sparql`` SELECT constraints run as written with ``$this`` unbound, so one run returns
  the rows for every focus node; rows whose ``$this`` is not a focus node of the shape are
  dropped, which is what binding ``$this`` per focus node would have given.

The semantics are pySHACL's, including its corner cases: a value of the wrong kind fails
``sh:class`` and ranges (errors count as failures, hence the ``COALESCE(..., false)``), a
literal of the right datatype but an ill-formed lexical form fails ``sh:datatype``, and
messages of SPARQL constraints have ``{?var}`` / ``{$var}`` replaced the way pySHACL does.
``tests/test_validation_engines.py`` checks the two engines give the same results.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.validation.report import Severity, ValidationResult, trial_of
from kg.validation.shapes import Component, NodeShape, PropertyShape, SparqlConstraint, UnsupportedShapeError
from kg.validation.terms import rdflib_to_ox, text_of

__all__ = ["Check", "compile_checks", "run"]

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_CASTABLE = {f"{_XSD}{n}" for n in ("date", "integer", "decimal", "boolean", "dateTime")}
"""Datatypes whose lexical forms pySHACL checks (through rdflib): an ill-formed value fails sh:datatype.
rdflib takes every xsd:gYear / xsd:gYearMonth value as well formed, and so does this engine."""
_NODE_KINDS = {
    f"{SH}IRI": "isIRI(?v)",
    f"{SH}Literal": "isLiteral(?v)",
    f"{SH}BlankNode": "isBlank(?v)",
    f"{SH}BlankNodeOrIRI": "!isLiteral(?v)",
    f"{SH}BlankNodeOrLiteral": "!isIRI(?v)",
    f"{SH}IRIOrLiteral": "!isBlank(?v)",
}
_COMPARISONS = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}


@dataclass(frozen=True, slots=True)
class Check:
    """One compiled query and how to turn its rows into results."""

    label: str
    query: str
    kind: str
    """``values``, ``counts`` or ``sparql``: which row reader applies."""
    shape: NodeShape
    prop: PropertyShape | None = None
    components: tuple[Component, ...] = ()
    constraint: SparqlConstraint | None = None
    count_shapes: tuple[PropertyShape, ...] = ()


def _term(node: Node) -> str:
    """A shapes-graph term (IRI or literal) in SPARQL syntax; N-Triples is valid SPARQL."""
    return str(rdflib_to_ox(node))


def _string(text: str) -> str:
    """A SPARQL string literal, safely escaped."""
    return str(ox.Literal(text))


def _class_test(node: str, cls: Node, subclasses: bool) -> str:
    path = f"<{_RDF_TYPE}>/<{_SUBCLASS}>*" if subclasses else f"<{_RDF_TYPE}>"
    return f"EXISTS {{ {node} {path} {_term(cls)} }}"


def _expression(component: Component, subclasses: bool) -> str:
    """A SPARQL boolean over ?v that is true when the value conforms; never an error."""
    kind, value = component.kind, component.value
    if kind == "datatype":
        iri = str(value)
        test = f"COALESCE(isLiteral(?v) && datatype(?v) = <{iri}>, false)"
        if iri == f"{_XSD}string":
            test = f"COALESCE(isLiteral(?v) && datatype(?v) = <{iri}> && lang(?v) = \"\", false)"
        if iri in _CASTABLE:
            test = f"({test} && COALESCE(isLiteral(<{iri}>(STR(?v))), false))"
        return test
    if kind == "nodeKind":
        return _NODE_KINDS[str(value)]
    if kind == "class":
        return _class_test("?v", value, subclasses)
    if kind == "in":
        members = list(value)  # type: ignore[call-overload]
        if not members:
            return "false"
        return "(" + " || ".join(f"sameTerm(?v, {_term(m)})" for m in members) + ")"
    if kind == "pattern":
        pattern, flags = value  # type: ignore[misc]
        return f"(!isBlank(?v) && COALESCE(REGEX(STR(?v), {_string(pattern)}, {_string(flags)}), false))"
    if kind in _COMPARISONS:
        return f"COALESCE(?v {_COMPARISONS[kind]} {_term(value)}, false)"
    if kind == "hasValue":
        return f"sameTerm(?v, {_term(value)})"
    if kind == "or":
        members = [" && ".join(_expression(c, subclasses) for c in member) or "true" for member in value]  # type: ignore[union-attr]
        return "(" + " || ".join(f"({m})" for m in members) + ")"
    raise ValueError(f"no SPARQL form for sh:{kind}")


def _targets(shape: NodeShape, subclasses: bool) -> str:
    """A graph pattern binding ?this to every focus node of a node shape."""
    blocks = [f"{{ ?this {'<' + _RDF_TYPE + '>/<' + _SUBCLASS + '>*' if subclasses else '<' + _RDF_TYPE + '>'} "
              f"{_term(cls)} }}" for cls in shape.target_classes]
    return " UNION ".join(blocks)


def compile_checks(shapes: list[NodeShape], *, subclasses: bool) -> list[Check]:
    """Every query of a set of node shapes, in a fixed order.

    ``subclasses``: whether the data holds ``rdfs:subClassOf`` triples; without any, class
    membership is a plain ``rdf:type`` look-up (the same answer, much faster).
    """
    checks: list[Check] = []
    for shape in shapes:
        if not shape.target_classes:
            continue
        target = _targets(shape, subclasses)
        value_components = [c for c in shape.components if c.kind not in ("minCount", "maxCount", "hasValue")]
        if value_components:
            binds = " ".join(f"BIND(!({_expression(c, subclasses)}) AS ?f{i})" for i, c in enumerate(value_components))
            flags = " ".join(f"?f{i}" for i in range(len(value_components)))
            query = (f"SELECT ?this ?v {flags} WHERE {{ {target} BIND(?this AS ?v) {binds} "
                     f"FILTER({' || '.join(f'?f{i}' for i in range(len(value_components)))}) }}")
            checks.append(Check(f"{shape.node} (node)", query, "values", shape, None, tuple(value_components)))
        for prop in shape.properties:
            checks.extend(_property_checks(shape, prop, target, subclasses))
        minimum = [p for p in shape.properties if any(c.kind == "minCount" for c in p.components)]
        maximum = [p for p in shape.properties if any(c.kind == "maxCount" for c in p.components)]
        if minimum:
            checks.append(_count_check(shape, minimum, target, "minCount"))
        for prop in maximum:  # one query each: the store joins a VALUES list of paths poorly
            checks.append(_count_check(shape, [prop], target, "maxCount"))
        for constraint in shape.sparql:
            checks.append(Check(str(constraint.node), constraint.select, "sparql", shape, constraint=constraint))
    return checks


def _property_checks(shape: NodeShape, prop: PropertyShape, target: str, subclasses: bool) -> Iterator[Check]:
    path = _term(prop.path)
    value_components = [c for c in prop.components if c.kind not in ("minCount", "maxCount", "hasValue")]
    if value_components:
        binds = " ".join(f"BIND(!({_expression(c, subclasses)}) AS ?f{i})" for i, c in enumerate(value_components))
        flags = " ".join(f"?f{i}" for i in range(len(value_components)))
        query = (f"SELECT DISTINCT ?this ?v {flags} WHERE {{ {target} ?this {path} ?v . {binds} "
                 f"FILTER({' || '.join(f'?f{i}' for i in range(len(value_components)))}) }}")
        yield Check(f"{prop.node}", query, "values", shape, prop, tuple(value_components))
    for component in prop.components:
        if component.kind == "hasValue":
            required = _term(component.value)  # type: ignore[arg-type]
            query = f"SELECT DISTINCT ?this WHERE {{ {target} FILTER NOT EXISTS {{ ?this {path} {required} }} }}"
            yield Check(f"{prop.node} hasValue", query, "missing", shape, prop, (component,))


def _count_check(shape: NodeShape, props: list[PropertyShape], target: str, kind: str) -> Check:
    """One query for the minimum (or maximum) counts of all property shapes of a node shape."""
    rows = []
    for index, prop in enumerate(props):
        bound = next(int(c.value) for c in prop.components if c.kind == kind)  # type: ignore[call-overload]
        rows.append(f"({index} {_term(prop.path)} {bound})")
    values = f"VALUES (?k ?p ?bound) {{ {' '.join(rows)} }}"
    if kind == "minCount":
        query = (f"SELECT ?this ?k (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {target} {values} OPTIONAL {{ ?this ?p ?x }} }} "
                 f"GROUP BY ?this ?k ?bound HAVING (COUNT(DISTINCT ?x) < ?bound)")
        if all(next(int(c.value) for c in p.components if c.kind == kind) == 1 for p in props):  # type: ignore[call-overload]
            query = f"SELECT ?this ?k WHERE {{ {target} {values} FILTER NOT EXISTS {{ ?this ?p ?x }} }}"
    elif all(next(int(c.value) for c in p.components if c.kind == kind) == 1 for p in props):  # type: ignore[call-overload]
        # at most one: a second, different value is enough, and much cheaper than counting every value
        query = (f"SELECT DISTINCT ?this ?k WHERE {{ {target} {values} ?this ?p ?x . ?this ?p ?y . "
                 f"FILTER (!sameTerm(?x, ?y)) }}")
    else:
        query = (f"SELECT ?this ?k (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {target} {values} ?this ?p ?x }} "
                 f"GROUP BY ?this ?k ?bound HAVING (COUNT(DISTINCT ?x) > ?bound)")
    return Check(f"{shape.node} {kind}", query, "counts", shape, components=(Component(kind, 0),),
                 count_shapes=tuple(props))


def _node_text(node: Node) -> str:
    return text_of(node) if not isinstance(node, URIRef) else str(node)


def _result(shape_node: Node, severity: Severity, messages: tuple[str, ...], focus: str, component: str,
            path: Node | None, value: str | None) -> ValidationResult:
    return ValidationResult(
        focus_node=focus,
        shape=_node_text(shape_node),
        component=component,
        path=_node_text(path) if path is not None else None,
        value=value,
        severity=severity,
        message="\n".join(sorted(set(messages))),
        trial=trial_of(focus),
    )


def _plain(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """What pySHACL substitutes for a variable in a message: str() of the rdflib term."""
    return term.value


def _format(message: str, bindings: dict[str, str]) -> str:
    for var, value in bindings.items():
        message = re.sub(f"{{[?$]{var}}}", value, message)
    return message


def run(
    store: ox.Store,
    shapes: list[NodeShape],
    *,
    union: bool = False,
    on_check: Callable[[int, int], None] | None = None,
) -> list[ValidationResult]:
    """Run every compiled check on ``store``; results unsorted.

    The data is the store's default graph, or with ``union`` the union of all its graphs (a
    store loaded by ``kg load`` keeps each trial in its own graph). Every query is written to
    give the same answer when a triple occurs in several graphs.
    """
    subclasses = any(True for _ in store.quads_for_pattern(None, ox.NamedNode(_SUBCLASS), None,
                                                           None if union else ox.DefaultGraph()))
    checks = compile_checks(shapes, subclasses=subclasses)
    results: list[ValidationResult] = []
    query = _Query(store, union)
    for done, check in enumerate(checks, start=1):
        results.extend(_run_check(query, check, subclasses))
        if on_check:
            on_check(done, len(checks))
    return results


class _Query:
    """``store.query`` over the default graph or the union of all graphs."""

    def __init__(self, store: ox.Store, union: bool) -> None:
        self.store = store
        self.union = union

    def __call__(self, text: str) -> ox.QuerySolutions:
        return self.store.query(text, use_default_graph_as_union=self.union)  # type: ignore[return-value]


def _run_check(
    store: _Query, check: Check, subclasses: bool
) -> Iterator[ValidationResult]:
    shape = check.shape
    if check.kind == "values":
        owner = check.prop or shape
        path = check.prop.path if check.prop else None
        for row in store(check.query):
            focus, value = str(row["this"]), str(row["v"])
            for index, component in enumerate(check.components):
                flag = row[f"f{index}"]
                if flag is not None and flag.value == "true":
                    yield _result(owner.node, owner.severity, owner.messages, focus, component.iri, path,
                                  value if check.prop is not None else focus)
    elif check.kind == "missing":
        assert check.prop is not None
        for row in store(check.query):
            focus = str(row["this"])
            yield _result(check.prop.node, check.prop.severity, check.prop.messages, focus,
                          check.components[0].iri, check.prop.path, None)
    elif check.kind == "counts":
        kind = check.components[0].kind
        for row in store(check.query):
            prop = check.count_shapes[int(row["k"].value)]
            yield _result(prop.node, prop.severity, prop.messages, str(row["this"]),
                          f"{SH}{kind[0].upper()}{kind[1:]}ConstraintComponent", prop.path, None)
    else:
        yield from _run_sparql(store, check, subclasses)


def _is_focus(store: _Query, shape: NodeShape, node: ox.NamedNode | ox.BlankNode, subclasses: bool) -> bool:
    """Whether ``node`` is a focus node of ``shape``: asked per result row (rows are few, focus nodes many)."""
    if not subclasses:
        rdf_type = ox.NamedNode(_RDF_TYPE)
        graph = None if store.union else ox.DefaultGraph()
        return any(next(store.store.quads_for_pattern(node, rdf_type, rdflib_to_ox(cls), graph), None) is not None
                   for cls in shape.target_classes)
    path = f"<{_RDF_TYPE}>/<{_SUBCLASS}>*"
    tests = " UNION ".join(f"{{ {node} {path} {_term(cls)} }}" for cls in shape.target_classes)
    return bool(store(f"ASK {{ {tests} }}"))


def _run_sparql(
    store: _Query, check: Check, subclasses: bool
) -> Iterator[ValidationResult]:
    shape, constraint = check.shape, check.constraint
    assert constraint is not None
    solutions = store(constraint.select)
    names = [v.value for v in solutions.variables]
    if "this" not in names:
        raise UnsupportedShapeError(f"constraint {check.label}: the sparql engine needs $this in the SELECT clause")
    seen: set[tuple] = set()
    for row in solutions:
        bound = {name: row[name] for name in names if row[name] is not None}
        this = bound.pop("this", None)
        if this is None or isinstance(this, ox.Literal) or not _is_focus(store, shape, this, subclasses):
            continue
        path = bound.pop("path", None)
        value = bound.pop("value", None)
        key = (str(this), str(path), str(value), tuple(sorted((k, str(v)) for k, v in bound.items())))
        if key in seen:
            continue
        seen.add(key)
        focus = str(this)
        value_text = str(value) if value is not None else focus
        substitutions = {"this": _plain(this)}
        if path is not None:
            substitutions["path"] = _plain(path)
        substitutions["value"] = _plain(value) if value is not None else _plain(this)
        substitutions.update({k: _plain(v) for k, v in bound.items()})
        messages = list(shape.messages)
        for message in constraint.messages:
            if message not in messages:
                messages.append(_format(message, {k: v for k, v in substitutions.items()}))
        result_path = URIRef(path.value) if isinstance(path, ox.NamedNode) else None
        yield _result(shape.node, shape.severity, tuple(sorted(messages)), focus,
                      f"{SH}SPARQLConstraintComponent", result_path, value_text)

