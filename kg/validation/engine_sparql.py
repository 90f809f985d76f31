"""The compiled engine: SHACL shapes as set-wise SPARQL queries over a pyoxigraph store.

pySHACL checks one focus node at a time in Python, and runs a SPARQL constraint once per focus
node; at registry scale that is minutes per ten thousand trials. Here each group of constraints
is one query that finds every failing node at once.

The queries are shaped by what an on-disk pyoxigraph store does quickly and slowly:

* scanning all triples of one predicate is cheap (one ordered index range), and so are hash
  joins, ``MINUS`` and ``GROUP BY`` over such scans: they compare the store's internal term ids;
* joining triple by triple ("for each focus node, look its values up") costs an index seek per
  row, and ``EXISTS`` / ``NOT EXISTS`` cost one per row as well;
* a filter that reads a term (``datatype``, ``STR``, ``isIRI`` ...) decodes it, which for an IRI
  or a long string is a dictionary look-up per row and per use of the variable; ``sameTerm`` with
  a constant does not decode.

So almost every check scans one predicate, joins it by hash with the focus nodes (the
``rdf:type`` triples of the target classes), and decodes as few terms as it can; the rows that
come back are the failures, and Python only decides which shape each one fails (from the node's
classes, one index seek per failing node):

* value constraints (``sh:datatype``, ``sh:nodeKind``, ``sh:in``, ``sh:pattern``, ranges,
  ``sh:or`` of those) of every property shape with the same path and the same tests become one
  query over that predicate, with one boolean per distinct test;
* ``sh:class`` (and ``sh:or`` of classes) becomes ``?this p ?v MINUS { ?v a C }``: a hash
  anti-join, no decoding;
* ``sh:maxCount`` of every property shape with the same path becomes one ``GROUP BY`` over the
  predicate (skipped when no node has two values), ``sh:minCount`` one ``MINUS`` of the
  predicate from the focus nodes of every shape that requires it, ``sh:hasValue`` one
  ``MINUS`` per property shape;
* ``sh:sparql`` SELECT constraints run with ``$this`` unbound, so one run returns the rows for
  every focus node; rows whose ``$this`` is not a focus node of the shape are dropped, which is
  what binding ``$this`` per focus node would have given. A constraint's ``ctsh:setwiseSelect``
  (the same rule written with a subquery per triple pattern and ``MINUS``, so that the store
  joins by hash) runs instead of its ``sh:select`` when it has one; it may leave out the
  target class, since its rows are joined with the focus nodes here.

Checks that cannot find anything are not run: no instance of any target class, or no triple
with the path.

The semantics are pySHACL's, including its corner cases: a value of the wrong kind fails
``sh:class`` and ranges (errors count as failures, hence the ``COALESCE(..., false)``), a
literal of the right datatype but an ill-formed lexical form fails ``sh:datatype``, and
messages of SPARQL constraints have ``{?var}`` / ``{$var}`` replaced the way pySHACL does.
``tests/test_validation_mutations.py`` checks the two engines give the same results, and
``tests/test_validation_engine.py`` the set-wise forms, subclasses and repeated triples.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.validation.report import Severity, ValidationResult, trial_of
from kg.validation.shapes import Component, NodeShape, PropertyShape, SparqlConstraint, UnsupportedShapeError
from kg.validation.terms import rdflib_to_ox, text_of

__all__ = ["Check", "Use", "compile_checks", "default_threads", "run"]

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
_COUNTS = ("minCount", "maxCount", "hasValue")
"""Components that are about how many values a node has, not about each value."""

Closure = Callable[[str], tuple[str, ...]]
"""A class IRI to the IRIs of every class whose instances are instances of it (itself included)."""


@dataclass(frozen=True, slots=True)
class Use:
    """One constraint a check's rows may report: on the focus nodes of ``shape`` only."""

    shape: NodeShape
    prop: PropertyShape | None
    component: Component
    focus: frozenset[str]
    """IRIs of the classes whose instances are focus nodes of ``shape``."""
    flag: int = -1
    """``values`` and ``node`` checks: the index of the row's boolean that says this constraint failed."""
    bound: int = 0
    """``maximum`` checks: the largest number of values allowed."""


@dataclass(frozen=True, slots=True)
class Check:
    """One compiled query and how to turn its rows into results.

    ``kind`` says which row reader applies: ``values`` (rows ``?this ?v ?f0 ...``), ``classes``
    (``?this ?v``), ``maximum`` (``?this ?n``), ``minimum`` (``?this``), ``missing`` (``?this``),
    ``node`` (``?this ?f0 ...``), ``node-missing`` (``?this``) or ``sparql``.
    """

    label: str
    query: str
    kind: str
    uses: tuple[Use, ...] = ()
    shape: NodeShape | None = None
    constraint: SparqlConstraint | None = None
    guard: str | None = None
    """A cheap query run first: when its row binds ``?n`` and ``?s`` to the same number, the
    check cannot find anything and its query is not run."""


def _term(node: Node) -> str:
    """A shapes-graph term (IRI or literal) in SPARQL syntax; N-Triples is valid SPARQL."""
    return str(rdflib_to_ox(node))


def _string(text: str) -> str:
    """A SPARQL string literal, safely escaped."""
    return str(ox.Literal(text))


def _classes(component: Component) -> tuple[str, ...] | None:
    """The classes of ``sh:class C`` or ``sh:or ([sh:class C1] [sh:class C2] ...)``; None otherwise.

    Those are checked with an anti-join (no per-value look-up); a value conforms when it is an
    instance of one of the classes.
    """
    if component.kind == "class":
        return (str(component.value),)
    if component.kind == "or":
        members = list(component.value)  # type: ignore[call-overload]
        if members and all(len(m) == 1 and m[0].kind == "class" for m in members):
            return tuple(sorted({str(m[0].value) for m in members}))
    return None


def _class_test(node: str, classes: Iterable[str]) -> str:
    tests = " || ".join(f"EXISTS {{ {node} <{_RDF_TYPE}> <{c}> }}" for c in sorted(set(classes)))
    return f"({tests or 'false'})"


def _expression(component: Component, closure: Closure) -> str:
    """A SPARQL boolean over ?v that is true when the value conforms; never an error.

    Each use of ``?v`` in a filter decodes the term again, so each test reads it as few times
    as it can: ``datatype(?v)`` is an error (hence false) for IRIs and blank nodes and is
    ``rdf:langString`` for a literal with a language, so no ``isLiteral`` / ``lang`` test is needed;
    ``STR(?v)`` is an error for a blank node, which fails ``sh:pattern`` as pySHACL does.
    """
    kind, value = component.kind, component.value
    if kind == "datatype":
        iri = str(value)
        if iri in _CASTABLE:
            return f"COALESCE(datatype(?v) = <{iri}> && isLiteral(<{iri}>(STR(?v))), false)"
        return f"COALESCE(datatype(?v) = <{iri}>, false)"
    if kind == "nodeKind":
        return _NODE_KINDS[str(value)]
    if kind == "class":
        return _class_test("?v", closure(str(value)))
    if kind == "in":
        members = list(value)  # type: ignore[call-overload]
        if not members:
            return "false"
        return "(" + " || ".join(f"sameTerm(?v, {_term(m)})" for m in members) + ")"
    if kind == "pattern":
        pattern, flags = value  # type: ignore[misc]
        return f"COALESCE(REGEX(STR(?v), {_string(pattern)}, {_string(flags)}), false)"
    if kind in _COMPARISONS:
        return f"COALESCE(?v {_COMPARISONS[kind]} {_term(value)}, false)"
    if kind == "hasValue":
        return f"sameTerm(?v, {_term(value)})"
    if kind == "or":
        members = [" && ".join(_expression(c, closure) for c in member) or "true" for member in value]  # type: ignore[union-attr]
        return "(" + " || ".join(f"({m})" for m in members) + ")" if members else "false"
    raise ValueError(f"no SPARQL form for sh:{kind}")


def _targets(classes: Iterable[str]) -> str:
    """A graph pattern binding ?this to every instance of the classes (each class once)."""
    return " UNION ".join(f"{{ ?this <{_RDF_TYPE}> <{c}> }}" for c in sorted(set(classes)))


def _focus(shape: NodeShape, closure: Closure) -> frozenset[str]:
    return frozenset(c for cls in shape.target_classes for c in closure(str(cls)))


def _plain_closure(cls: str) -> tuple[str, ...]:
    return (cls,)


def compile_checks(
    shapes: list[NodeShape],
    *,
    closure: Closure | None = None,
    populated: Callable[[frozenset[str]], bool] | None = None,
    present: Callable[[str], bool] | None = None,
    one_graph: bool = False,
) -> list[Check]:
    """Every query of a set of node shapes, in a fixed order.

    ``closure`` gives the classes whose instances count as instances of a class: the class and
    its subclasses in the data (``rdfs:subClassOf*``, as pySHACL reads targets and ``sh:class``),
    the class alone by default; queries then only ever ask for ``rdf:type`` triples.
    ``populated`` says whether any instance of a set of classes exists, ``present`` whether any
    triple has a predicate: checks that cannot return a row are left out. ``one_graph``: the data
    is one graph, where no triple occurs twice (not the union of several graphs).
    """
    if closure is None:
        closure = _plain_closure
    has_instances = populated or (lambda _classes: True)
    has_triples = present or (lambda _predicate: True)
    checks: list[Check] = []
    values: dict[tuple[str, tuple[str, ...]], list[Use]] = {}
    links: dict[tuple[str, tuple[str, ...]], list[Use]] = {}
    maxima: dict[str, list[Use]] = {}
    minima: dict[tuple[str, int], list[Use]] = {}
    for shape in shapes:
        focus = _focus(shape, closure)
        if not shape.target_classes or not has_instances(focus):
            continue
        checks.extend(_node_checks(shape, focus, closure))
        for prop in shape.properties:
            path = str(prop.path)
            tested = [c for c in prop.components if c.kind not in _COUNTS and _classes(c) is None]
            expressions = tuple(sorted({_expression(c, closure) for c in tested}))
            for component in prop.components:
                use = Use(shape, prop, component, focus)
                if component.kind == "minCount":
                    if (bound := int(component.value)) > 0:  # type: ignore[call-overload]
                        minima.setdefault((path, bound), []).append(use)
                elif not has_triples(path):
                    if component.kind == "hasValue":
                        checks.append(_missing_check(use))
                elif component.kind == "maxCount":
                    maxima.setdefault(path, []).append(
                        Use(shape, prop, component, focus, bound=int(component.value)))  # type: ignore[call-overload]
                elif component.kind == "hasValue":
                    checks.append(_missing_check(use))
                elif (classes := _classes(component)) is not None:
                    expanded = tuple(sorted({c for cls in classes for c in closure(cls)}))
                    links.setdefault((path, expanded), []).append(use)
                else:
                    values.setdefault((path, expressions), []).append(use)
        for constraint in shape.sparql:
            use = Use(shape, None, Component("sparql", constraint.node), focus)
            checks.append(Check(str(shape.node), constraint.setwise or constraint.select, "sparql", (use,),
                                shape=shape, constraint=constraint))
    for (path, bound), min_uses in sorted(minima.items()):
        checks.append(_minimum_check(path, bound, min_uses))
    for (path, expressions), uses in sorted(values.items()):
        checks.append(_values_check(path, expressions, uses, closure))
    for (path, classes), class_uses in sorted(links.items()):
        anti = " UNION ".join(f"{{ ?v <{_RDF_TYPE}> <{c}> }}" for c in classes)
        query = _on_focus("?this ?v", f"?this <{path}> ?v MINUS {{ {anti} }}", class_uses)
        checks.append(Check(f"{path} class", query, "classes", tuple(class_uses)))
    for path, max_uses in sorted(maxima.items()):
        checks.append(_maximum_check(path, max_uses, one_graph))
    return checks


def _maximum_check(path: str, uses: list[Use], one_graph: bool) -> Check:
    """Nodes with more values of a predicate than some shape allows: one ``GROUP BY`` over the predicate.

    In one graph no triple repeats, so ``COUNT(*)`` counts the values (``COUNT(DISTINCT)`` keeps
    a set per node), and a cheap guard comes first: when the predicate has as many subjects as
    triples, no node has two values and no maximum of one or more can be exceeded (most
    predicates, whose maximum is one and is kept). Which shape a node fails is decided in Python.
    """
    least = min(u.bound for u in uses)
    count = "COUNT(*)" if one_graph else "COUNT(DISTINCT ?x)"
    grouped = f"SELECT ?this ({count} AS ?n) WHERE {{ ?this <{path}> ?x }} GROUP BY ?this HAVING ({count} > {least})"
    query = f"SELECT DISTINCT ?this ?n WHERE {{ {{ {grouped} }} {_targets(_all_focus(uses))} }}"
    guard = None
    if one_graph and least >= 1:
        guard = f"SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?this) AS ?s) WHERE {{ ?this <{path}> ?x }}"
    return Check(f"{path} maxCount", query, "maximum", tuple(uses), guard=guard)


def _flags(expressions: list[str]) -> tuple[str, str, str]:
    """The BINDs, the selected flag variables and the filter of a set of conformance tests."""
    binds = " ".join(f"BIND(!({e}) AS ?f{i})" for i, e in enumerate(expressions))
    names = " ".join(f"?f{i}" for i in range(len(expressions)))
    test = " || ".join(f"?f{i}" for i in range(len(expressions)))
    return binds, names, test


def _node_checks(shape: NodeShape, focus: frozenset[str], closure: Closure) -> Iterator[Check]:
    """Constraints on the focus node itself: one query from the focus nodes."""
    components = [c for c in shape.components if c.kind not in _COUNTS]
    if components:
        expressions: list[str] = []
        uses = []
        for component in components:
            expression = _expression(component, closure)
            if expression not in expressions:
                expressions.append(expression)
            uses.append(Use(shape, None, component, focus, flag=expressions.index(expression)))
        binds, names, test = _flags(expressions)
        query = f"SELECT DISTINCT ?this {names} WHERE {{ {_targets(focus)} BIND(?this AS ?v) {binds} FILTER({test}) }}"
        yield Check(f"{shape.node} (node)", query, "node", tuple(uses), shape=shape)
    for component in shape.components:
        if component.kind == "hasValue":
            required = _term(component.value)  # type: ignore[arg-type]
            query = f"SELECT DISTINCT ?this WHERE {{ {_targets(focus)} FILTER (!sameTerm(?this, {required})) }}"
            yield Check(f"{shape.node} hasValue", query, "node-missing", (Use(shape, None, component, focus),),
                        shape=shape)


def _values_check(path: str, expressions: tuple[str, ...], uses: list[Use], closure: Closure) -> Check:
    """The value constraints of every property shape with one path and the same tests, in one query.

    The predicate's triples and the focus nodes are two scans joined by hash (the subquery keeps
    the store from looking each node's values up one by one); the tests then decode only the
    values of focus nodes, each once per test however many shapes share it. Property shapes
    with other tests on the same path (``skos:notation`` of countries and of MeSH descriptors)
    get their own query, so that a value never fails a test meant for another class.
    """
    flagged = tuple(Use(u.shape, u.prop, u.component, u.focus,
                        flag=expressions.index(_expression(u.component, closure))) for u in uses)
    binds, names, test = _flags(list(expressions))
    query = (f"SELECT DISTINCT ?this ?v {names} WHERE {{ {{ SELECT ?this ?v WHERE {{ ?this <{path}> ?v }} }} "
             f"{_targets(_all_focus(uses))} {binds} FILTER({test}) }}")
    return Check(f"{path} values", query, "values", flagged)


def _all_focus(uses: Iterable[Use]) -> frozenset[str]:
    return frozenset(c for use in uses for c in use.focus)


def _on_focus(variables: str, scan: str, uses: Iterable[Use]) -> str:
    """A predicate scan's failing rows, kept to subjects that are focus nodes of one of the uses.

    The scan is a subquery so that it runs first, over the whole predicate; its few rows are then
    joined with the focus nodes by hash. Several classes' nodes may share a predicate under
    different constraints (``schema:containedInPlace`` of cities and of sites), and a row that
    fails only for the others must not reach Python. Which use a row fails is decided there.
    """
    inner = f"SELECT {variables} WHERE {{ {scan} }}"
    return f"SELECT DISTINCT {variables} WHERE {{ {{ {inner} }} {_targets(_all_focus(uses))} }}"


def _missing_check(use: Use) -> Check:
    """``sh:hasValue`` on a property: focus nodes without that value."""
    assert use.prop is not None
    query = (f"SELECT DISTINCT ?this WHERE {{ {_targets(use.focus)} "
             f"MINUS {{ ?this {_term(use.prop.path)} {_term(use.component.value)} }} }}")  # type: ignore[arg-type]
    return Check(f"{use.prop.node} hasValue", query, "missing", (use,), shape=use.shape)


def _minimum_check(path: str, bound: int, uses: list[Use]) -> Check:
    """Focus nodes with fewer than ``bound`` values of a predicate, for every shape that asks for them.

    The focus nodes ``MINUS`` the nodes that have enough values (any value for a minimum of one,
    else a count over the predicate): hash anti-joins, no per-node look-up, and the predicate is
    read once however many classes require it (``rdfs:label`` of a dozen). Which shape a node
    that lacks the values fails is decided in Python, from its classes.
    """
    if bound == 1:
        enough = f"?this <{path}> ?x"
    else:
        enough = (f"{{ SELECT ?this WHERE {{ ?this <{path}> ?x }} GROUP BY ?this "
                  f"HAVING (COUNT(DISTINCT ?x) >= {bound}) }}")
    query = f"SELECT DISTINCT ?this WHERE {{ {_targets(_all_focus(uses))} MINUS {{ {enough} }} }}"
    return Check(f"{path} minCount {bound}", query, "minimum", tuple(uses))


@cache
def _node_text(node: Node) -> str:
    """A shape's or a path's IRI as results hold it: one string object for every result that names it."""
    return sys.intern(text_of(node) if not isinstance(node, URIRef) else str(node))


def _result(shape_node: Node, severity: Severity, messages: tuple[str, ...], focus: str, component: str,
            path: Node | None, value: str | None) -> ValidationResult:
    """One result. Its repeated parts (shape, path, component, message, trial) are shared strings.

    Over the registry there are more than a million results and a few hundred distinct shapes,
    paths and messages. Shape, path and trial used to be a fresh copy in every result: sharing
    them held the 261,563 results of 100,000 trials in 34 MB less (about 130 bytes a result).
    """
    trial = trial_of(focus)
    return ValidationResult(
        focus_node=focus,
        shape=_node_text(shape_node),
        component=sys.intern(component),
        path=_node_text(path) if path is not None else None,
        value=value,
        severity=severity,
        message=sys.intern("\n".join(sorted(set(messages)))),
        trial=sys.intern(trial) if trial is not None else None,
    )


def _use_result(use: Use, focus: str, value: str | None) -> ValidationResult:
    owner = use.prop or use.shape
    return _result(owner.node, owner.severity, owner.messages, focus, use.component.iri,
                   use.prop.path if use.prop is not None else None, value)


def _plain(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """What pySHACL substitutes for a variable in a message: str() of the rdflib term."""
    return term.value


class _Data:
    """The store as the checks see it: the default graph, or with ``union`` the union of all graphs."""

    def __init__(self, store: ox.Store, union: bool) -> None:
        self.store = store
        self.union = union
        self.graph = None if union else ox.DefaultGraph()
        self._types: dict[ox.NamedNode | ox.BlankNode, frozenset[str]] = {}
        self._type = ox.NamedNode(_RDF_TYPE)

    def query(self, text: str) -> ox.QuerySolutions:
        return self.store.query(text, use_default_graph_as_union=self.union)  # type: ignore[return-value]

    def any(self, subject: ox.NamedNode | None, predicate: ox.NamedNode | None,
            obj: ox.NamedNode | None) -> bool:
        return next(self.store.quads_for_pattern(subject, predicate, obj, self.graph), None) is not None

    def types(self, node: ox.NamedNode | ox.BlankNode | ox.Literal) -> frozenset[str]:
        """The ``rdf:type`` values of a node (one index seek, remembered)."""
        if isinstance(node, ox.Literal):
            return frozenset()
        found = self._types.get(node)
        if found is None:
            found = frozenset(q.object.value for q in self.store.quads_for_pattern(node, self._type, None, self.graph))
            if len(self._types) < 1_000_000:
                self._types[node] = found
        return found

    def closure(self, store_has_subclasses: bool) -> Closure:
        if not store_has_subclasses:
            return _plain_closure
        known: dict[str, tuple[str, ...]] = {}

        def classes(cls: str) -> tuple[str, ...]:
            if cls not in known:
                rows = self.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{_SUBCLASS}>* <{cls}> }}")
                found = {row["c"].value for row in rows if isinstance(row["c"], ox.NamedNode)}  # type: ignore[index]
                known[cls] = tuple(sorted(found | {cls}))
            return known[cls]

        return classes


_TRIM_ABOVE = 512 * 1024 * 1024
"""Resident bytes above which freed memory is handed back to the system after a check."""
_STATM = "/proc/self/statm"


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """The C library's ``malloc_trim`` (glibc), looked up once; None elsewhere."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name and os.path.exists(_STATM) else None  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


class _Memory:
    """Hands memory the store's queries freed back to the system, where the C library allows it.

    A query over a large store builds hash tables of millions of rows and frees them when it
    ends, but the C allocator keeps the freed pages for reuse, one pool per thread: with checks
    on two threads the process would hold the largest tables of both pools at once, for good
    (2.5 GB at 100,000 trials instead of 1.5 GB). ``malloc_trim`` returns them. It costs up to
    a few tenths of a second after a large query, so it only runs once the process holds more
    than ``_TRIM_ABOVE`` bytes; where there is no ``malloc_trim`` or no ``/proc``, nothing happens.
    """

    def __init__(self) -> None:
        self._trim = _malloc_trim()

    def release(self) -> None:
        if self._trim is None:
            return
        with open(_STATM, "rb") as statm:
            resident = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        if resident > _TRIM_ABOVE:
            self._trim(0)


def default_threads() -> int:
    """Checks run at once: two, or one on a single core.

    The store answers queries in parallel, but each large check holds hash tables of its own
    (up to some 700 MB at 100,000 trials): two at once keep validation of 100,000 trials under
    2 GB, and most of the time saved (the checks' wall time at 100,000 trials fell by a third
    on two cores).
    """
    return max(1, min(2, os.cpu_count() or 1))


def run(
    store: ox.Store,
    shapes: list[NodeShape],
    *,
    union: bool = False,
    on_check: Callable[[int, int], None] | None = None,
    threads: int | None = None,
) -> list[ValidationResult]:
    """Run every compiled check on ``store``; results unsorted, each once.

    The data is the store's default graph, or with ``union`` the union of all its graphs (a
    store loaded by ``kg load`` keeps each trial in its own graph). Every query is written to
    give the same answer when a triple occurs in several graphs.

    Checks run on ``threads`` threads (``default_threads()`` by default): the store evaluates a
    query without holding the interpreter lock, so independent checks use several cores.
    Results do not depend on the order the checks finish in.
    """
    data = _Data(store, union)
    subclasses = data.any(None, ox.NamedNode(_SUBCLASS), None)
    closure = data.closure(subclasses)
    populated: dict[frozenset[str], bool] = {}

    def has_instances(classes: frozenset[str]) -> bool:
        if classes not in populated:
            populated[classes] = any(data.any(None, data._type, ox.NamedNode(c)) for c in classes)
        return populated[classes]

    def has_triples(predicate: str) -> bool:
        return data.any(None, ox.NamedNode(predicate), None)

    checks = compile_checks(shapes, closure=closure, populated=has_instances, present=has_triples,
                            one_graph=not union)
    results: set[ValidationResult] = set()
    if on_check:
        on_check(0, len(checks))
    memory = _Memory()
    memory.release()  # what loading the store left behind

    def checked(check: Check) -> list[ValidationResult]:
        found = list(_run_check(data, check))
        memory.release()
        return found

    workers = max(1, threads if threads is not None else default_threads())
    if workers == 1:
        for done, check in enumerate(checks, start=1):
            results.update(checked(check))
            if on_check:
                on_check(done, len(checks))
        return list(results)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kg-validate") as pool:
        pending = [pool.submit(checked, check) for check in checks]
        for done, future in enumerate(as_completed(pending), start=1):
            results.update(future.result())
            if on_check:
                on_check(done, len(checks))
    return list(results)


def _true(term: object) -> bool:
    return isinstance(term, ox.Literal) and term.value == "true"


def _run_check(data: _Data, check: Check) -> Iterator[ValidationResult]:
    if check.kind == "sparql":
        yield from _run_sparql(data, check)
        return
    if check.guard is not None:
        row = next(iter(data.query(check.guard)))
        if row["n"] == row["s"]:  # type: ignore[index]
            return
    solutions = data.query(check.query)
    if check.kind in ("values", "classes", "maximum"):
        for row in solutions:
            this = row["this"]
            types = data.types(this)
            for use in check.uses:
                if not use.focus & types:
                    continue
                if check.kind == "values" and not _true(row[f"f{use.flag}"]):
                    continue
                if check.kind == "maximum":
                    if int(row["n"].value) <= use.bound:  # type: ignore[union-attr]
                        continue
                    yield _use_result(use, str(this), None)
                else:
                    yield _use_result(use, str(this), str(row["v"]))
    elif check.kind == "node":
        for row in solutions:
            focus = str(row["this"])
            for use in check.uses:
                if _true(row[f"f{use.flag}"]):
                    yield _use_result(use, focus, focus)
    elif check.kind == "minimum":
        for row in solutions:
            this = row["this"]
            types = data.types(this)
            for use in check.uses:
                if use.focus & types:
                    yield _use_result(use, str(this), None)
    elif check.kind in ("missing", "node-missing"):
        use = check.uses[0]
        for row in solutions:
            focus = str(row["this"])
            yield _use_result(use, focus, focus if check.kind == "node-missing" else None)
    else:
        raise ValueError(f"unknown check kind {check.kind}")


_PROJECTION = re.compile(r"\s*SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?((?:[?$]\w+\s+)+)WHERE\s*\{", re.IGNORECASE)


def _sparql_query(check: Check) -> tuple[str, bool]:
    """The query of a SPARQL constraint, kept to focus nodes by the store when it can be; and whether it is.

    Keeping rows to focus nodes in Python costs an index seek and a few term conversions per
    row, and rules about every trial site return tens of thousands of rows. When the query
    lists its variables (``SELECT $this ?value WHERE {``), it becomes a subquery joined with the
    focus nodes, which the store does by hash; otherwise rows are checked one by one.
    """
    constraint = check.constraint
    assert constraint is not None
    body = check.query[len(constraint.prologue):] if check.query.startswith(constraint.prologue) else None
    match = _PROJECTION.match(body) if body is not None else None
    if body is None or match is None or "this" not in {v[1:] for v in match.group(1).split()}:
        return check.query, False
    variables = " ".join(f"?{v[1:]}" for v in match.group(1).split())
    focus = f"SELECT DISTINCT ?this WHERE {{ {_targets(check.uses[0].focus)} }}"
    return f"{constraint.prologue}SELECT {variables} WHERE {{ {{\n{body}\n}} {{ {focus} }} }}", True


def _placeholders(message: str, var: str) -> bool:
    return f"{{?{var}}}" in message or f"{{${var}}}" in message


def _run_sparql(data: _Data, check: Check) -> Iterator[ValidationResult]:
    """Rows of a SPARQL constraint as results, each (focus, path, value, other bindings) once, as pySHACL does."""
    shape, constraint = check.shape, check.constraint
    assert shape is not None and constraint is not None
    query, on_focus = _sparql_query(check)
    solutions = data.query(query)
    names = [v.value for v in solutions.variables]
    if "this" not in names:
        raise UnsupportedShapeError(f"constraint {check.label}: the sparql engine needs $this in the SELECT clause")
    targets = check.uses[0].focus
    templates = [m for m in constraint.messages if m not in shape.messages]
    severity, shape_node = shape.severity, shape.node
    component = f"{SH}SPARQLConstraintComponent"
    seen: set[tuple] = set()
    for row in solutions:
        bound = {name: term for name, term in zip(names, row, strict=True) if term is not None}
        this = bound.pop("this", None)
        if this is None or isinstance(this, ox.Literal) or not (on_focus or targets & data.types(this)):
            continue
        path = bound.pop("path", None)
        value = bound.pop("value", None)
        key = (str(this), str(path), str(value), tuple(sorted((k, str(v)) for k, v in bound.items())))
        if key in seen:
            continue
        seen.add(key)
        focus = key[0]
        value_text = key[2] if value is not None else focus
        substitutions = {"this": _plain(this)}
        if path is not None:
            substitutions["path"] = _plain(path)
        substitutions["value"] = _plain(value) if value is not None else _plain(this)
        substitutions.update({k: _plain(v) for k, v in bound.items()})
        messages = list(shape.messages)
        for message in templates:
            for var, text in substitutions.items():
                if _placeholders(message, var):
                    message = re.sub(f"{{[?$]{var}}}", text, message)
            messages.append(message)
        result_path = URIRef(path.value) if isinstance(path, ox.NamedNode) else None
        yield _result(shape_node, severity, tuple(sorted(messages)), focus, component, result_path, value_text)
