"""Minting of resource IRIs: readable, stable, and the same for every input format.

Shape of every IRI the mapping makes (``ctid:`` is ``https://w3id.org/ctkg/id/``):

=====================  ==========================================================
trial                  ``ctid:trial/NCT03219801``
its parts              ``ctid:trial/NCT03219801/arm/<label>``, ``/intervention/<name>``,
                       ``/outcome/primary-1``, ``/eligibility``, ``/role/<person>/<role>``,
                       ``/site/<site key>``, ``/secondary-id/<id>``, ``/reference/<n>``,
                       ``/record/<format>``
organisation           ``ctid:organization/<name key>``
person                 ``ctid:person/<name key>``
site                   ``ctid:site/<country>/<city>/<facility key>``
its geometry           ``ctid:site/<...>/geometry/<lat>,<lon>``
city                   ``ctid:place/<country>/<state>/<city>``
country                ``ctid:country/<ISO alpha-2>``
condition              ``ctid:condition/<key>``
intervention           ``ctid:intervention/<key>``
MeSH descriptor        ``http://id.nlm.nih.gov/mesh/D001943``
MeSH term without id   ``ctid:mesh-term/<key>``
PubMed article         ``https://pubmed.ncbi.nlm.nih.gov/<pmid>``
coded value            ``https://w3id.org/ctkg/code/<scheme>/<CODE>``
named graph of a trial ``https://w3id.org/ctkg/graph/NCT03219801``
=====================  ==========================================================

Each IRI comes as a plain string (``*_ref``, used by the mapping's hot path,
which writes N-Triples text) and as a pyoxigraph ``NamedNode`` (``*_iri``).
Keys contain only letters, digits and hyphens, so every IRI is valid as built.
"""

from __future__ import annotations

from functools import lru_cache

from pyoxigraph import NamedNode

from kg.keys import condition_key, intervention_key, organization_key, person_key, slug
from kg.namespaces import CODE, GRAPH, ID, MESH, PUBMED

__all__ = [
    "ENTITIES_GRAPH",
    "ENTITIES_GRAPH_REF",
    "city_iri",
    "city_ref",
    "code_iri",
    "code_ref",
    "condition_iri",
    "condition_ref",
    "country_iri",
    "country_ref",
    "intervention_iri",
    "intervention_ref",
    "mesh_iri",
    "mesh_ref",
    "organization_iri",
    "organization_ref",
    "person_iri",
    "person_ref",
    "pubmed_iri",
    "pubmed_ref",
    "site_iri",
    "site_ref",
    "trial_graph_iri",
    "trial_graph_ref",
    "trial_iri",
    "trial_part_iri",
    "trial_part_ref",
    "trial_ref",
]


_SHARED_CACHE = 1 << 13
"""Shared entities recur across trials: their IRIs are computed once and cached."""

# --- IRI strings: what the mapping's hot path uses -------------------------------------------


def trial_ref(nct_id: str) -> str:
    return f"{ID}trial/{nct_id}"


def trial_graph_ref(nct_id: str) -> str:
    return f"{GRAPH}{nct_id}"


ENTITIES_GRAPH_REF = f"{GRAPH}entities"
"""The one graph that holds the descriptions of shared nodes (see ``kg.mapping.trial_nquads``)."""
ENTITIES_GRAPH = NamedNode(ENTITIES_GRAPH_REF)


def trial_part_ref(nct_id: str, *parts: str) -> str:
    """A node that belongs to one trial only: an arm, an outcome, a role ..."""
    return f"{ID}trial/{nct_id}/" + "/".join(parts)


@lru_cache(maxsize=_SHARED_CACHE)
def organization_ref(name: str) -> str:
    return f"{ID}organization/{organization_key(name)}"


@lru_cache(maxsize=_SHARED_CACHE)
def person_ref(name: str) -> str:
    return f"{ID}person/{person_key(name)}"


@lru_cache(maxsize=_SHARED_CACHE)
def condition_ref(text: str) -> str:
    return f"{ID}condition/{condition_key(text)}"


@lru_cache(maxsize=_SHARED_CACHE)
def intervention_ref(name: str) -> str:
    return f"{ID}intervention/{intervention_key(name)}"


def country_ref(country_key: str) -> str:
    """``country_key`` is an ISO alpha-2 code, or a slug for a name no ISO table knows."""
    return f"{ID}country/{country_key}"


@lru_cache(maxsize=_SHARED_CACHE)
def city_ref(country_key: str, state: str | None, city: str) -> str:
    return f"{ID}place/{country_key}/{slug(state) if state else '-'}/{slug(city)}"


@lru_cache(maxsize=_SHARED_CACHE)
def site_ref(country_key: str, city: str | None, facility: str | None) -> str:
    city_part = slug(city) if city else "-"
    facility_part = organization_key(facility) if facility else "-"
    return f"{ID}site/{country_key}/{city_part}/{facility_part}"


@lru_cache(maxsize=_SHARED_CACHE)
def mesh_ref(mesh_id: str | None, term: str) -> str:
    """The NLM IRI of a descriptor; a term with no known id gets a term-keyed IRI of ours."""
    if mesh_id:
        return f"{MESH}{mesh_id}"
    return f"{ID}mesh-term/{slug(term)}"


def pubmed_ref(pmid: str) -> str:
    return f"{PUBMED}{pmid}"


def code_ref(scheme: str, code: str) -> str:
    return f"{CODE}{scheme}/{code}"


# --- the same IRIs as pyoxigraph terms, for users of the API ----------------------------------


def trial_iri(nct_id: str) -> NamedNode:
    return NamedNode(trial_ref(nct_id))


def trial_graph_iri(nct_id: str) -> NamedNode:
    return NamedNode(trial_graph_ref(nct_id))


def trial_part_iri(nct_id: str, *parts: str) -> NamedNode:
    return NamedNode(trial_part_ref(nct_id, *parts))


def organization_iri(name: str) -> NamedNode:
    return NamedNode(organization_ref(name))


def person_iri(name: str) -> NamedNode:
    return NamedNode(person_ref(name))


def condition_iri(text: str) -> NamedNode:
    return NamedNode(condition_ref(text))


def intervention_iri(name: str) -> NamedNode:
    return NamedNode(intervention_ref(name))


def country_iri(country_key: str) -> NamedNode:
    return NamedNode(country_ref(country_key))


def city_iri(country_key: str, state: str | None, city: str) -> NamedNode:
    return NamedNode(city_ref(country_key, state, city))


def site_iri(country_key: str, city: str | None, facility: str | None) -> NamedNode:
    return NamedNode(site_ref(country_key, city, facility))


def mesh_iri(mesh_id: str | None, term: str) -> NamedNode:
    return NamedNode(mesh_ref(mesh_id, term))


def pubmed_iri(pmid: str) -> NamedNode:
    return NamedNode(pubmed_ref(pmid))


def code_iri(scheme: str, code: str) -> NamedNode:
    return NamedNode(code_ref(scheme, code))
