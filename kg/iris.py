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
"""

from __future__ import annotations

from functools import lru_cache

from pyoxigraph import NamedNode

from kg.keys import condition_key, intervention_key, organization_key, person_key, slug
from kg.namespaces import CODE, GRAPH, ID, MESH, PUBMED

__all__ = [
    "city_iri",
    "code_iri",
    "condition_iri",
    "country_iri",
    "intervention_iri",
    "mesh_iri",
    "organization_iri",
    "person_iri",
    "pubmed_iri",
    "site_iri",
    "trial_graph_iri",
    "trial_iri",
    "trial_part_iri",
]


_SHARED_CACHE = 1 << 16
"""Shared entities recur across trials: their IRIs are cached (NamedNode checks cost ~1 µs)."""


def trial_iri(nct_id: str) -> NamedNode:
    return NamedNode(f"{ID}trial/{nct_id}")


def trial_graph_iri(nct_id: str) -> NamedNode:
    return NamedNode(f"{GRAPH}{nct_id}")


def trial_part_iri(nct_id: str, *parts: str) -> NamedNode:
    """A node that belongs to one trial only: an arm, an outcome, a role ..."""
    return NamedNode(f"{ID}trial/{nct_id}/" + "/".join(parts))


@lru_cache(maxsize=_SHARED_CACHE)
def organization_iri(name: str) -> NamedNode:
    return NamedNode(f"{ID}organization/{organization_key(name)}")


@lru_cache(maxsize=_SHARED_CACHE)
def person_iri(name: str) -> NamedNode:
    return NamedNode(f"{ID}person/{person_key(name)}")


@lru_cache(maxsize=_SHARED_CACHE)
def condition_iri(text: str) -> NamedNode:
    return NamedNode(f"{ID}condition/{condition_key(text)}")


@lru_cache(maxsize=_SHARED_CACHE)
def intervention_iri(name: str) -> NamedNode:
    return NamedNode(f"{ID}intervention/{intervention_key(name)}")


@lru_cache(maxsize=_SHARED_CACHE)
def country_iri(country_key: str) -> NamedNode:
    """``country_key`` is an ISO alpha-2 code, or a slug for a name no ISO table knows."""
    return NamedNode(f"{ID}country/{country_key}")


@lru_cache(maxsize=_SHARED_CACHE)
def city_iri(country_key: str, state: str | None, city: str) -> NamedNode:
    return NamedNode(f"{ID}place/{country_key}/{slug(state) if state else '-'}/{slug(city)}")


@lru_cache(maxsize=_SHARED_CACHE)
def site_iri(country_key: str, city: str | None, facility: str | None) -> NamedNode:
    city_part = slug(city) if city else "-"
    facility_part = organization_key(facility) if facility else "-"
    return NamedNode(f"{ID}site/{country_key}/{city_part}/{facility_part}")


@lru_cache(maxsize=_SHARED_CACHE)
def mesh_iri(mesh_id: str | None, term: str) -> NamedNode:
    """The NLM IRI of a descriptor; a term with no known id gets a term-keyed IRI of ours."""
    if mesh_id:
        return MESH.term(mesh_id)
    return NamedNode(f"{ID}mesh-term/{slug(term)}")


def pubmed_iri(pmid: str) -> NamedNode:
    return PUBMED.term(pmid)


def code_iri(scheme: str, code: str) -> NamedNode:
    return CODE.term(f"{scheme}/{code}")
