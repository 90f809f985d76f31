"""The clean-up and resolution rules every reader and the mapping rely on."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.iris import organization_iri, person_iri, site_iri
from kg.keys import organization_key, person_key, slug
from kg.mesh import canonical_mesh_id, lookup_mesh_id
from kg.model import Age
from kg.places import resolve_country
from kg.text import parse_age, parse_date, reflow, split_criteria, split_degrees, unescape_markdown
from kg.vocab import to_code


@pytest.mark.parametrize(
    ("text", "iso"),
    [("July 10, 2017", "2017-07-10"), ("July 2017", "2017-07"), ("2019-12", "2019-12"), ("2019", "2019"),
     ("2017-08-01", "2017-08-01"), ("Sep 2001", "2001-09")],
)
def test_dates_keep_their_precision(text: str, iso: str) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["2019-13", "2019-02-30", "soon", "July 32, 2017"])
def test_bad_dates_raise(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_ages() -> None:
    assert parse_age("14 Years") == Age(Decimal(14), "YEARS")
    assert parse_age("6 Months") == Age(Decimal(6), "MONTHS")
    assert parse_age("1 Day") == Age(Decimal(1), "DAYS")
    assert parse_age("N/A") is None
    with pytest.raises(ValueError):
        parse_age("old enough")


@pytest.mark.parametrize(
    ("raw", "name", "degrees"),
    [
        ("Baoyong Yan, Doctor", "Baoyong Yan", ("Doctor",)),
        ("Jane Doe, MD, PhD", "Jane Doe", ("MD", "PhD")),
        ("James N. Weinstein, DO, MS", "James N. Weinstein", ("DO", "MS")),
        ("Dr. John Smith", "John Smith", ("Dr.",)),
        ("Quanhai Li", "Quanhai Li", ()),
        ("Edward W Cowen, M.D.", "Edward W Cowen", ("M.D.",)),
        ("Smith, John", "Smith, John", ()),
        ("Hussein Ghanem, FECSM", "Hussein Ghanem", ("FECSM",)),
    ],
)
def test_degrees_are_not_part_of_a_name(raw: str, name: str, degrees: tuple[str, ...]) -> None:
    assert split_degrees(raw) == (name, degrees)


def test_markdown_unescape() -> None:
    assert unescape_markdown(r"HbA1c \<= 7\.5 \* \[note\]") == "HbA1c <= 7.5 * [note]"


def test_criteria_split_at_headings() -> None:
    inclusion, exclusion = split_criteria("Inclusion Criteria:\n\n* a\n* b\n\nExclusion Criteria:\n\n* c")
    assert (inclusion, exclusion) == ("* a\n* b", "* c")
    assert split_criteria("Adults with asthma.") == (None, None)


def test_reflow_makes_xml_text_read_like_the_api() -> None:
    xml = """
        Inclusion Criteria:

          -  Signed informed consent prior to study specific
             procedures.

          -  Age 18 or more.

        A paragraph wrapped
        over two lines.
    """
    assert reflow(xml) == (
        "Inclusion Criteria:\n\n* Signed informed consent prior to study specific procedures.\n* Age 18 or more."
        "\n\nA paragraph wrapped over two lines."
    )


def test_organisation_keys_ignore_case_punctuation_and_a_leading_the() -> None:
    assert organization_key("The First Hospital of Hebei Medical University") == organization_key(
        "the First Hospital of Hebei Medical University"
    )
    assert organization_iri("Johnson & Johnson") == organization_iri("JOHNSON AND JOHNSON")
    assert organization_key("Hôpital Européen Georges-Pompidou") == "hopital-europeen-georges-pompidou"
    assert organization_key("The") == "the"


def test_person_and_site_keys() -> None:
    assert person_iri("James N. Weinstein") == person_iri("James N Weinstein")
    assert person_key("李全海") == "李全海"  # other scripts are kept, not dropped
    assert site_iri("CN", "Shijiazhuang", "The First Hospital") == site_iri("CN", "shijiazhuang", "first hospital")
    assert slug("  ") == "unnamed"


def test_mesh_ids_are_written_as_mesh_writes_them() -> None:
    assert canonical_mesh_id("D000001943") == "D001943"
    assert canonical_mesh_id("D001943") == "D001943"
    assert canonical_mesh_id("D000086382") == "D000086382"
    assert canonical_mesh_id("C000594389") == "C000594389"
    assert lookup_mesh_id("breast neoplasms") == "D001943"
    with pytest.raises(ValueError):
        canonical_mesh_id("X123")


@pytest.mark.parametrize(
    ("name", "code"),
    [("China", "CN"), ("Korea, Republic of", "KR"), ("Turkey (Türkiye)", "TR"), ("Russia", "RU"),
     ("United States", "US"), ("Former Serbia and Montenegro", "CS")],
)
def test_countries_resolve_to_iso_codes(name: str, code: str) -> None:
    country = resolve_country(name)
    assert country is not None and country.alpha2 == code


def test_display_spellings_map_to_api_codes() -> None:
    assert to_code("phase", "Early Phase 1") == "EARLY_PHASE1"
    assert to_code("masking", "None (Open Label)") == "NONE"
    assert to_code("status", "Unknown status") == "UNKNOWN"
    assert to_code("status", "Active, not recruiting") == "ACTIVE_NOT_RECRUITING"
    assert to_code("intervention-model", "Single Group Assignment") == "SINGLE_GROUP"
    assert to_code("allocation", "N/A") == "NA"
    with pytest.raises(ValueError):
        to_code("phase", "Phase 9")
