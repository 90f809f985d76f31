"""The entities graph: shared nodes described once, and pruned when no trial links to them any more.

A trial's named graph holds what the trial owns (its arms, roles, outcomes, site
participations ...); the organisations, people, sites, places, conditions,
interventions, MeSH terms and articles it names are described in one graph,
``ENTITIES_GRAPH``, where every trial adds the same statements once (see
``kg.mapping.trial_nquads``). Replacing a trial's graph therefore cannot remove
those descriptions: another trial may need them. What it can leave behind is a
node that nothing links to any more (a sponsor renamed in the newer version, a
site dropped from the list). ``prune_unlinked`` removes such nodes, starting from
the nodes the replaced graphs linked to, and follows their own links (a site's
city, a city's country) so a whole orphaned branch goes.

A node still linked keeps every description it was given, including a variant
spelling only an older version used: descriptions accumulate, links do not.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import NamedNode, Store

from kg.iris import ENTITIES_GRAPH
from kg.namespaces import ID, MESH, PUBMED

__all__ = ["is_entity", "linked_entities", "prune_unlinked"]

_TRIAL_PREFIX = f"{ID}trial/"
_ENTITY_PREFIXES = (str(ID), str(MESH), str(PUBMED))


def is_entity(node: NamedNode) -> bool:
    """A shared node of ours (described in the entities graph), not a trial or one of its parts."""
    value = node.value
    return value.startswith(_ENTITY_PREFIXES) and not value.startswith(_TRIAL_PREFIX)


def linked_entities(store: Store, graph: NamedNode) -> set[NamedNode]:
    """The shared nodes the statements of ``graph`` link to: candidates for pruning once it is replaced."""
    return {
        quad.object
        for quad in store.quads_for_pattern(None, None, None, graph)
        if isinstance(quad.object, NamedNode) and is_entity(quad.object)
    }


def prune_unlinked(store: Store, candidates: Iterable[NamedNode]) -> int:
    """Remove the description of every candidate that no statement links to any more; the number removed.

    A node is linked when some statement in any graph has it as object (other
    than its own description). Removing a node makes the nodes it linked to
    candidates in turn.
    """
    pending = set(candidates)
    removed = 0
    while pending:
        node = pending.pop()
        if _is_linked(store, node):
            continue
        description = list(store.quads_for_pattern(node, None, None, ENTITIES_GRAPH))
        if not description:
            continue
        for quad in description:
            store.remove(quad)
            if isinstance(quad.object, NamedNode) and quad.object != node and is_entity(quad.object):
                pending.add(quad.object)
        removed += 1
    return removed


def _is_linked(store: Store, node: NamedNode) -> bool:
    return any(quad.subject != node for quad in store.quads_for_pattern(None, None, node, None))
