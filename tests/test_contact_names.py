"""Which names in person fields are people: real names from the registry, both ways."""

from __future__ import annotations

import pytest

from kg.contact_names import person_name
from kg.model import Organization

PFIZER = Organization("Pfizer", "INDUSTRY")


@pytest.mark.parametrize(
    "name",
    [
        "For more information at the NIH Clinical Center contact Office of Patient Recruitment (OPR)",
        "Call 1-877-CTLILLY (1-877-285-4559) or 1-317-615-4559 Mon - Fri 9 AM - 5 PM Eastern time",
        "GSK Clinical Trials",
        "Pfizer CT.gov Call Center",
        "Clinical Trials",
        "Medical Monitor",
        "Study Director",
        "Takeda Contact",
        "Site 0259",
        "Clinical Transparency (dept. 2834)",
        "BMS Study Connect Contact Center www.BMSStudyConnect.com",
        "Menoufia University",
        "Research & Innovation Department",
        "Neutec R&D",
    ],
)
def test_desks_and_placeholders_name_no_person(name: str) -> None:
    assert person_name(name) is None


@pytest.mark.parametrize(
    "name",
    [
        "James N. Weinstein",
        "Matthew (Matt) J. Ziegelmann",
        "Tülay Çevik Saldıran",
        "Virginie Corand, Medical",
        "Jane Doe, Medical Director",
        "Roger Johnson",
        "Ilan Gruenwald",
        "Ali Ismail, lecturer",
    ],
)
def test_people_stay_people(name: str) -> None:
    assert person_name(name, [PFIZER]) == name


def test_a_site_number_after_a_name_is_dropped() -> None:
    assert person_name("Robert Rifkin, Site 0202") == "Robert Rifkin"


@pytest.mark.parametrize(
    ("name", "sponsor", "person"),
    [
        ("Bayer Study Director", Organization("Bayer", "INDUSTRY"), False),
        ("Novartis", Organization("Novartis", "INDUSTRY"), False),
        ("Bristol-Myers Squibb", Organization("Bristol-Myers Squibb", "INDUSTRY"), False),
        ("Ortho Biotech Products, L.P. Clinical Trial", Organization("Ortho Biotech Products, L.P.", "INDUSTRY"),
         False),
        # a sponsor-investigator's own name is a person's, whatever class the registry gives the sponsor
        ("Mohit Khera", Organization("Mohit Khera", "OTHER"), True),
        ("Mohit Khera", Organization("Mohit Khera", "INDIV"), True),
        # a sponsor's name is not a prefix of every word that starts like it
        ("Bayerl Schmidt", Organization("Bayer", "INDUSTRY"), True),
    ],
)
def test_a_contact_named_after_an_organisational_sponsor_is_its_desk(
    name: str, sponsor: Organization, person: bool
) -> None:
    assert (person_name(name, [sponsor]) == name) is person
