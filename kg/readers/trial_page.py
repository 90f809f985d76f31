"""Reader of the plain-text "trial page" format: one page is one trial.

A trial page is the registry record rendered for people to read::

    <brief title>
    NCT ID: NCT03219801
    Last Updated: 2017-07-18
    Basic Information                         <- a section heading
    Get a concise snapshot of the trial ...   <- its explanatory sentence (ignored)
    Recruitment Status                        <- label line ...
    UNKNOWN                                   <- ... and value line
    ...
    Study Groups
    Review each arm or cohort in the study ...
    mesenchymal stem cells                    <- group label
    Selected SLE patients were ...            <- optional group description
    Group Type EXPERIMENTAL                   <- inline label/value
    mesenchymal stem cells                    <- an intervention of the group
    Intervention Type BIOLOGICAL
    SLE patients in the treated group ...     <- its description

(with blank lines in between, which the reader neither needs nor trusts).
Values are API v2 codes (``UNKNOWN``, ``EARLY_PHASE1``, ``SINGLE_GROUP`` ...).

Why parse by structure
----------------------
There is no markup: a line is a heading, a label, a value or prose only by
where it stands. Parsing by the values of one example page (or by blank lines,
which vary) breaks on the next page, so the reader works in two passes that use
only the structure the page generator always emits:

1. **Sections.** A heading is a line equal to a known section name *followed
   by its explanatory sentence* (the generator always emits one). When the
   sentence is the generator's known template for that heading the heading is
   certain. Otherwise any sentence-like line is accepted, but such a weak
   heading is rejected when it would break the section it appears in: a
   section name taken already, or one that comes earlier in the page order
   than a section already seen, or a later certain heading of the same name
   exists, or the current section's own label lines (``Group Type``,
   ``Exclusion Criteria``, ``Minimum Eligible Age`` ...) still follow it. So a
   criteria line that happens to read "Sponsors" or "Conditions" stays
   criteria text. A Title Case line followed by a sentence that is none of
   that is an *unknown* section: recognised so that it does not leak into its
   neighbour, then ignored. The explanatory sentence is dropped.
2. **Fields.** Each section is parsed by its own grammar over its non-blank
   lines, anchored on its label lines: ``Group Type``/``Intervention Type``
   close blocks of arms and interventions, ``Sponsor Role``, ``Role:``,
   ``Site Status`` and ``Identifier Source`` close or open repeated blocks,
   so any number of conditions, groups, interventions, sponsors, officials,
   sites and identifiers is read. Where the text alone is ambiguous (where the
   last intervention's description in a group ends and the next group's label
   starts) the description given in the "Interventions" section decides; only
   without one does the shape of the lines (descriptions read as sentences,
   labels do not). Same-named interventions are told apart by description.

The layout of sections not seen on a real page ("Keywords", outcomes,
"Collaborators", "References") is assumed to be the plainest one: a line per
item, details only on labelled lines.

Every coded value goes through ``kg.vocab.to_code``; a value that is not a
known code is a ``FieldError`` naming the page label ("Clinical Phase"),
which ``read`` turns into a ``Rejection``: a bad page never raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import pycountry

from kg.errors import Rejection
from kg.model import (
    Age,
    Arm,
    Eligibility,
    Intervention,
    Organization,
    Outcome,
    OutcomeKind,
    PartialDate,
    PersonRole,
    Provenance,
    Reference,
    ResponsibleParty,
    SecondaryId,
    Site,
    SourceFormat,
    Trial,
)
from kg.readers.base import FieldError, check_nct_id
from kg.readers.sources import READ_ERRORS, Source, unreadable
from kg.text import clean, parse_age, parse_date, split_degrees
from kg.vocab import to_code

__all__ = ["looks_like_trial_page", "read"]

# --------------------------------------------------------------------------- labels

_BASIC_LABELS = (
    "Recruitment Status", "Clinical Phase", "Total Enrollment", "Study Classification",
    "Study Start Date", "Primary Completion Date", "Study Completion Date",
)
_DESIGN_LABELS = (
    "Allocation Method", "Intervention Model", "Primary Study Purpose", "Blinding Strategy",
    "Observational Model", "Time Perspective",
)
_ELIGIBILITY_ATTRS = (
    "Minimum Eligible Age", "Maximum Eligible Age", "Eligible Sex", "Accepts Healthy Volunteers",
)
_ELIGIBILITY_LABELS = ("Inclusion Criteria", "Exclusion Criteria", *_ELIGIBILITY_ATTRS)
_GROUP_TYPE = "Group Type"
_INTERVENTION_TYPE = "Intervention Type"
_SPONSOR_ROLE = "Sponsor Role"
_RESPONSIBILITY_ROLE = "Responsibility Role"
_ROLE = "Role"
_SITE_STATUS = "Site Status"
_ID_LABELS = ("Identifier Type", "Identifier Source", "Identifier Domain")
_OUTCOME_LABELS = ("Time Frame", "Description", "Outcome Type")
_REFERENCE_LABELS = ("PMID", "Reference Type")
_ALL_LABELS = (
    *_BASIC_LABELS, *_DESIGN_LABELS, *_ELIGIBILITY_LABELS, _GROUP_TYPE, _INTERVENTION_TYPE, _SPONSOR_ROLE,
    _RESPONSIBILITY_ROLE, _ROLE, _SITE_STATUS, *_ID_LABELS, *_OUTCOME_LABELS, *_REFERENCE_LABELS,
)

_INCLUSION = re.compile(r"^(?:key\s+)?inclusion\s+criteria\s*:?$", re.IGNORECASE)
_EXCLUSION = re.compile(r"^(?:key\s+)?exclusion\s+criteria\s*:?$", re.IGNORECASE)


def _label_value(line: str, label: str) -> str | None:
    """The value of ``label`` on this line: "" for a bare label line, None when the line is not ``label``.

    "Role: STUDY_CHAIR" and "Group Type EXPERIMENTAL" are inline forms; a label of one word
    needs its colon, so that "Role model ..." is not a role.
    """
    text = line.strip()
    if text.rstrip(":").rstrip() == label:
        return ""
    if text.startswith(label + ":") or (" " in label and text.startswith(label + " ")):
        return text[len(label) + 1:].strip(" :")
    return None


def _which_label(line: str, labels: Sequence[str]) -> tuple[str | None, str]:
    """The first of ``labels`` (longest first) that this line carries, and its inline value."""
    for label in sorted(labels, key=len, reverse=True):
        value = _label_value(line, label)
        if value is not None:
            return label, value
    return None, ""


def _has_label(line: str, labels: Sequence[str]) -> bool:
    """Whether the line carries one of ``labels`` ("Key Inclusion Criteria:" is "Inclusion Criteria")."""
    if _which_label(line, labels)[0] is not None:
        return True
    text = line.strip()
    return ("Inclusion Criteria" in labels and bool(_INCLUSION.match(text))) or (
        "Exclusion Criteria" in labels and bool(_EXCLUSION.match(text))
    )


def _labelled_values(items: Sequence[str], labels: Sequence[str]) -> dict[str, str]:
    """Label/value pairs, inline ("Label value") or on two lines ("Label" then "value"); first wins."""
    found: dict[str, str] = {}
    k = 0
    while k < len(items):
        label, value = _which_label(items[k], labels)
        k += 1
        if label is None:
            continue
        if not value and k < len(items) and _which_label(items[k], labels)[0] is None:
            value = items[k]
            k += 1
        found.setdefault(label, value)
    return found


# --------------------------------------------------------------------------- headings


@dataclass(frozen=True, slots=True)
class _Heading:
    """A top-level section the generator emits: its place in page order, template sentence, label lines."""

    name: str
    rank: int | None = None
    template: str | None = None
    markers: tuple[str, ...] = ()
    prose: bool = False


# The sections in the order the generator emits them.
_PAGE_ORDER = (
    "Study Results", "Basic Information", "Brief Summary", "Detailed Description", "Conditions",
    "Study Design", "Study Groups", "Interventions", "Eligibility Criteria", "Sponsors", "Responsible Party",
    "Principal Investigators", "Locations", "Countries", "Central Contacts", "Other Identifiers",
    "More Related Trials",
)
# Sections of other pages, whose place in the page order is not known.
_OTHER_SECTIONS = (
    "Keywords", "Outcome Measures", "Primary Outcomes", "Secondary Outcomes", "Other Outcomes",
    "Collaborators", "References",
)
# The explanatory sentence the generator writes under each heading (seen on the real page).
_TEMPLATES = {
    "Study Results": (
        "The study team has not published outcome measurements, participant flow, or safety data for "
        "this trial yet. Check back later for updates."
    ),
    "Basic Information": (
        "Get a concise snapshot of the trial, including recruitment status, study phase, enrollment "
        "targets, and key timeline milestones."
    ),
    "Brief Summary": (
        "Review the sponsor-provided synopsis that highlights what the study is about and why it is "
        "being conducted."
    ),
    "Detailed Description": (
        "Dive into the extended narrative that explains the scientific background, objectives, and "
        "procedures in greater depth."
    ),
    "Conditions": (
        "See the medical conditions and disease areas that this research is targeting or "
        "investigating."
    ),
    "Study Design": (
        "Understand how the trial is structured, including allocation methods, masking strategies, "
        "primary purpose, and other design elements."
    ),
    "Study Groups": (
        "Review each arm or cohort in the study, along with the interventions and objectives "
        "associated with them."
    ),
    "Interventions": (
        "Learn about the drugs, procedures, or behavioral strategies being tested and how they are "
        "applied within this trial."
    ),
    "Eligibility Criteria": (
        "Check the participation requirements, including inclusion and exclusion rules, age limits, "
        "and whether healthy volunteers are accepted."
    ),
    "Sponsors": (
        "Meet the organizations funding or collaborating on the study and learn about their roles."
    ),
    "Responsible Party": (
        "Identify the individual or organization who holds primary responsibility for the study "
        "information submitted to regulators."
    ),
    "Principal Investigators": (
        "Learn about the lead researchers overseeing the trial and their institutional affiliations."
    ),
    "Locations": (
        "Explore where the study is taking place and check the recruitment status at each "
        "participating site."
    ),
    "Countries": (
        "Review the countries where the study has at least one active or historical site."
    ),
    "Central Contacts": (
        "Reach out to these primary contacts for questions about participation or study logistics."
    ),
    "Other Identifiers": (
        "Review additional registry numbers or institutional identifiers associated with this trial."
    ),
    "More Related Trials": (
        "Additional clinical trials that may be relevant based on similarity analysis."
    ),
}
# The label lines that occur only inside a section: while they still follow, that section goes on.
_MARKERS: dict[str, tuple[str, ...]] = {
    "Basic Information": _BASIC_LABELS,
    "Study Design": _DESIGN_LABELS,
    "Study Groups": (_GROUP_TYPE, _INTERVENTION_TYPE),
    "Interventions": (_INTERVENTION_TYPE,),
    "Eligibility Criteria": _ELIGIBILITY_LABELS,
    "Sponsors": (_SPONSOR_ROLE,),
    "Responsible Party": (_RESPONSIBILITY_ROLE,),
    "Principal Investigators": (_ROLE,),
    "Locations": (_SITE_STATUS,),
    "Central Contacts": (_ROLE,),
    "Other Identifiers": _ID_LABELS,
    "Outcome Measures": _OUTCOME_LABELS,
    "Primary Outcomes": _OUTCOME_LABELS,
    "Secondary Outcomes": _OUTCOME_LABELS,
    "Other Outcomes": _OUTCOME_LABELS,
    "References": _REFERENCE_LABELS,
}
_PROSE_SECTIONS = frozenset({"Brief Summary", "Detailed Description"})

_HEADINGS: dict[str, _Heading] = {
    name: _Heading(
        name,
        _PAGE_ORDER.index(name) if name in _PAGE_ORDER else None,
        _TEMPLATES.get(name),
        _MARKERS.get(name, ()),
        name in _PROSE_SECTIONS,
    )
    for name in (*_PAGE_ORDER, *_OTHER_SECTIONS)
}

_LIST_MARKER = re.compile(r"^(?:\d+[.)]|[-*•·]|\(?[a-zA-Z0-9]{1,3}\))\s")
_HEADING_WORD = re.compile(r"[A-Z][A-Za-z'’-]*")
_SMALL_WORDS = frozenset(
    {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "&", "/"}
)


def _squash_ws(text: str) -> str:
    return " ".join(text.split())


def _is_sentence(line: str) -> bool:
    """A line that reads as an explanatory sentence: a capitalised prose line ending in a full stop."""
    text = line.strip()
    return (
        len(text.split()) >= 5
        and text[0].isupper()
        and text[-1] in ".!?"
        and not _LIST_MARKER.match(text)
        and not _has_label(text, _ALL_LABELS)
    )


def _looks_like_heading(text: str) -> bool:
    """A short Title Case line that is no known label: the shape of a section name."""
    words = text.split()
    if not 1 <= len(words) <= 6 or text.isupper() or _has_label(text, _ALL_LABELS):
        return False
    if words[0] in _SMALL_WORDS:
        return False
    return all(w in _SMALL_WORDS or _HEADING_WORD.fullmatch(w) for w in words)


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A line that may be a heading: its line index, that of its explanatory sentence, what it names."""

    line: int
    explanation: int
    name: str
    heading: _Heading | None
    strong: bool


def _candidate_at(lines: Sequence[str], nonblank: Sequence[int], k: int) -> _Candidate | None:
    index = nonblank[k]
    text = lines[index].strip()
    following = []
    for j in nonblank[k + 1:k + 3]:
        if lines[j].strip() in _HEADINGS:  # the sentence must come before the next heading
            break
        following.append(j)
    heading = _HEADINGS.get(text)
    if heading is not None:
        for j in following:
            if heading.template is not None and _squash_ws(lines[j]) == heading.template:
                return _Candidate(index, j, text, heading, True)
        for j in following:
            if _is_sentence(lines[j]):
                return _Candidate(index, j, text, heading, False)
        return None
    if following and _looks_like_heading(text) and _is_sentence(lines[following[0]]):
        return _Candidate(index, following[0], text, None, False)
    return None


def _section_end(rank: int | None, later: Sequence[_Candidate], lines: Sequence[str]) -> int:
    """Where a section of ``rank`` would end: at the next heading that may follow it.

    That is a known heading of a later rank (any known heading when the rank is unknown), a certain
    one if there is any: heading words inside the section's own text are passed over.
    """
    fits = [
        c for c in later
        if c.heading is not None and (rank is None or (c.heading.rank is not None and c.heading.rank > rank))
    ]
    return next((c.line for c in fits if c.strong), fits[0].line if fits else len(lines))


def _current_continues(
    cand: _Candidate, later: Sequence[_Candidate], lines: Sequence[str], current: _Heading | None,
) -> bool:
    """Whether the current section's own label lines still follow ``cand``, inside what would be its section."""
    if current is None:
        return False
    own = set(cand.heading.markers) if cand.heading else set()
    markers = [m for m in current.markers if m not in own]
    if not markers:
        return False
    rank = cand.heading.rank if cand.heading else current.rank
    end = _section_end(rank, later, lines)
    return any(_has_label(lines[i], markers) for i in range(cand.line + 1, end))


def _later_rival(cand: _Candidate, later: Sequence[_Candidate]) -> bool:
    """Whether the same section name comes again before the page moves on to a later section.

    A heading word inside the text of an earlier section ("Conditions" in the summary) is followed
    by the real heading; one inside a later section's text is past sections of higher rank (ones
    whose names do not come again themselves).
    """
    rank = cand.heading.rank if cand.heading else None
    if rank is None:
        return False
    for n, other in enumerate(later):
        if other.name == cand.name:
            return True
        later_rank = other.heading.rank if other.heading else None
        if later_rank is not None and later_rank > rank and all(o.name != other.name for o in later[n + 1:]):
            return False
    return False


def _vetoed(
    cand: _Candidate, later: Sequence[_Candidate], lines: Sequence[str],
    current: _Heading | None, seen: set[str], top_rank: int,
) -> bool:
    """Whether a weak heading candidate is rather content of the current section."""
    if cand.heading is None:
        if current is not None and current.prose:
            return True
    elif (
        cand.name in seen
        or any(c.strong and c.name == cand.name for c in later)
        or _later_rival(cand, later)
        or (cand.heading.rank is not None and cand.heading.rank <= top_rank)
    ):
        return True
    return _current_continues(cand, later, lines, current)


def _accept(candidates: Sequence[_Candidate], lines: Sequence[str]) -> list[_Candidate]:
    """The candidates that are headings, scanning the page top to bottom."""
    accepted: list[_Candidate] = []
    seen: set[str] = set()
    top_rank = -1
    current: _Heading | None = None
    for k, cand in enumerate(candidates):
        if accepted and cand.line <= accepted[-1].explanation:
            continue
        if cand.strong and cand.name in seen:
            continue
        if not cand.strong and _vetoed(cand, candidates[k + 1:], lines, current, seen, top_rank):
            continue
        accepted.append(cand)
        current = cand.heading
        if current is not None:
            seen.add(cand.name)
            top_rank = max(top_rank, current.rank if current.rank is not None else -1)
    return accepted


def _split_page(lines: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """The header lines before the first heading, and the body lines of each known section."""
    start = next((i + 1 for i, ln in enumerate(lines) if _NCT_LINE.match(ln)), 0)
    nonblank = [i for i, ln in enumerate(lines) if ln.strip() and i >= start]
    candidates = [c for k in range(len(nonblank)) if (c := _candidate_at(lines, nonblank, k))]
    headings = _accept(candidates, lines)
    header = lines[: headings[0].line] if headings else lines
    sections: dict[str, list[str]] = {}
    for n, head in enumerate(headings):
        end = headings[n + 1].line if n + 1 < len(headings) else len(lines)
        if head.heading is not None:
            sections[head.name] = lines[head.line + 1:head.explanation] + lines[head.explanation + 1:end]
    return header, sections


# --------------------------------------------------------------------------- section bodies


@dataclass(slots=True)
class _Body:
    """A section's lines; ``items`` are its non-blank lines, stripped."""

    lines: list[str]
    index: list[int] = field(init=False)
    items: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.index = [i for i, ln in enumerate(self.lines) if ln.strip()]
        self.items = [self.lines[i].strip() for i in self.index]

    def text(self, start: int, stop: int) -> str | None:
        """The text of items ``[start, stop)`` with the blank lines between them, or None if empty."""
        if start >= stop:
            return None
        return _prose(self.lines[self.index[start]:self.index[stop - 1] + 1])


def _prose(lines: Sequence[str]) -> str | None:
    """Free text as the page has it; registry Markdown escapes undone as every reader does."""
    return clean("\n".join(lines), markdown=True)


def _code(scheme: str, label: str, value: str | None) -> str | None:
    try:
        return to_code(scheme, value)
    except ValueError as exc:
        raise FieldError(label, str(exc)) from None


def _is_code(scheme: str, value: str) -> bool:
    try:
        return to_code(scheme, value) is not None
    except ValueError:
        return False


def _norm(text: str | None) -> str:
    return _squash_ws(text or "").casefold()


# --------------------------------------------------------------------------- header

_NCT_LINE = re.compile(r"^\s*NCT ID:\s*(.*?)\s*$")
_UPDATED_LINE = re.compile(r"^\s*Last Updated:\s*(.*?)\s*$")
_SNIFF = re.compile(r"^\s*NCT ID:\s*NCT\d{8}\s*$")


def looks_like_trial_page(head: str) -> bool:
    """Whether text (a file's first few KB) is a trial page: "NCT ID: NCT########" near the top."""
    lines = [ln for ln in head.splitlines() if ln.strip()][:10]
    return any(_SNIFF.match(ln) for ln in lines)


def _nct_id(lines: Sequence[str]) -> str:
    """The NCT id of the header's "NCT ID:" line."""
    return check_nct_id(next((m.group(1) for ln in lines if (m := _NCT_LINE.match(ln))), None))


def _header(lines: Sequence[str]) -> tuple[str | None, str | None]:
    """Title and last-update date of the header lines."""
    updated = next((m.group(1) for ln in lines if (m := _UPDATED_LINE.match(ln))), None)
    try:
        version = parse_date(updated)
    except ValueError as exc:
        raise FieldError("Last Updated", str(exc)) from None
    first = next((ln.strip() for ln in lines if ln.strip()), None)
    title = first if first and not (_NCT_LINE.match(first) or _UPDATED_LINE.match(first)) else None
    return title, version


# --------------------------------------------------------------------------- basic information, design

_DATE_KIND = re.compile(r"\(?\b(ACTUAL|ESTIMATED|ANTICIPATED|EXPECTED)\b\)?", re.IGNORECASE)


def _actual_marker(text: str) -> tuple[str, bool | None]:
    """Text without an "ACTUAL"/"ESTIMATED" marker, and what the marker said."""
    match = _DATE_KIND.search(text)
    if not match:
        return text.strip(), None
    return (text[:match.start()] + text[match.end():]).strip(), match.group(1).upper() == "ACTUAL"


def _partial_date(label: str, text: str | None) -> PartialDate | None:
    if not text:
        return None
    value, actual = _actual_marker(text)
    try:
        iso = parse_date(value)
    except ValueError as exc:
        raise FieldError(label, str(exc)) from None
    return PartialDate(iso, actual) if iso else None


def _enrollment(text: str | None) -> tuple[int | None, bool | None]:
    """ "10 participants" -> (10, None); "10 participants (ACTUAL)" -> (10, True)."""
    if not text:
        return None, None
    rest, actual = _actual_marker(text)
    match = re.fullmatch(r"(\d[\d,]*)(?:\s+(?:participants?|subjects?|patients?))?", rest, re.IGNORECASE)
    if not match:
        raise FieldError("Total Enrollment", f"not a participant count: {text!r}")
    return int(match.group(1).replace(",", "")), actual


def _phases(text: str | None) -> tuple[str, ...]:
    """ "PHASE1, PHASE2" (or "PHASE1/PHASE2") -> ("PHASE1", "PHASE2"); "N/A" stays one value."""
    if not text:
        return ()
    parts = [text] if _is_code("phase", text) else re.split(r"\s*[,/;|]\s*|\s+and\s+", text)
    return tuple(dict.fromkeys(c for p in parts if (c := _code("phase", "Clinical Phase", p))))


def _basic_information(body: _Body) -> dict[str, Any]:
    values = _labelled_values(body.items, _BASIC_LABELS)
    enrollment, actual = _enrollment(values.get("Total Enrollment"))
    return {
        "overall_status": _code("status", "Recruitment Status", values.get("Recruitment Status")),
        "phases": _phases(values.get("Clinical Phase")),
        "enrollment": enrollment,
        "enrollment_actual": actual,
        "study_type": _code("study-type", "Study Classification", values.get("Study Classification")),
        "start_date": _partial_date("Study Start Date", values.get("Study Start Date")),
        "primary_completion_date": _partial_date(
            "Primary Completion Date", values.get("Primary Completion Date")
        ),
        "completion_date": _partial_date("Study Completion Date", values.get("Study Completion Date")),
    }


_DESIGN_FIELDS = {
    "Allocation Method": ("allocation", "allocation"),
    "Intervention Model": ("intervention_model", "intervention-model"),
    "Primary Study Purpose": ("primary_purpose", "primary-purpose"),
    "Blinding Strategy": ("masking", "masking"),
    "Observational Model": ("observational_model", "observational-model"),
    "Time Perspective": ("time_perspective", "time-perspective"),
}


def _study_design(body: _Body) -> dict[str, Any]:
    values = _labelled_values(body.items, _DESIGN_LABELS)
    return {
        name: _code(scheme, label, values[label])
        for label, (name, scheme) in _DESIGN_FIELDS.items()
        if label in values
    }


def _study_results(body: _Body) -> dict[str, Any]:
    said = _norm(" ".join(body.items))
    pending = not said or any(p in said for p in ("results pending", "no results", "has not published"))
    return {"has_results": not pending}


def _lines_list(body: _Body) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for item in body.items if (t := clean(item, markdown=True))))


# --------------------------------------------------------------------------- groups and interventions
# A group is: label line, description lines, "Group Type X", then per intervention: name line,
# "Intervention Type X", description lines. Each item is classed by what it is or what follows it:
# a "group" or "type" label line, the "name" line right before a "type" line, or plain "text".

_Known = dict[str, list["str | None"]]
"""Descriptions the Interventions section gives, by normalised intervention name."""


@dataclass(frozen=True, slots=True)
class _Listed:
    """An intervention as a section lists it."""

    name: str
    type_text: str
    description: str | None


def _strip_type_prefix(name: str) -> str:
    """ "Drug: Aspirin" -> "Aspirin" when the prefix is an intervention type."""
    head, sep, rest = name.partition(": ")
    return rest.strip() if sep and _is_code("intervention-type", head) else name.strip()


def _is_prose(text: str) -> bool:
    """A description line rather than a label: ends like a sentence, or is long."""
    return text[-1:] in {".", "!", "?"} or len(text.split()) >= 12


def _intervention_section(body: _Body) -> list[_Listed]:
    """Interventions section: blocks of name line, description lines, "Intervention Type X"."""
    listed: list[_Listed] = []
    prev = 0
    for k, item in enumerate(body.items):
        value = _label_value(item, _INTERVENTION_TYPE)
        if value is None:
            continue
        if k <= prev:
            raise FieldError("Interventions", "'Intervention Type' line without an intervention name")
        listed.append(_Listed(body.items[prev], value, body.text(prev + 1, k)))
        prev = k + 1
    if prev < len(body.items):
        listed.append(_Listed(body.items[prev], "", body.text(prev + 1, len(body.items))))
    return listed


def _item_kinds(items: Sequence[str]) -> list[str]:
    kinds = [
        "group" if _label_value(item, _GROUP_TYPE) is not None
        else "type" if _label_value(item, _INTERVENTION_TYPE) is not None
        else "text"
        for item in items
    ]
    for k in range(len(items) - 1):
        if kinds[k] == "text" and kinds[k + 1] == "type":
            kinds[k] = "name"
    return kinds


def _description_end(
    body: _Body, start: int, stop: int, name: str, known: _Known, *, need_label: bool
) -> int:
    """Where the description of intervention ``name`` that starts at item ``start`` ends.

    Items ``[start, stop)`` hold that description and then, possibly, the next group's label and
    description (at least a label when ``need_label``). The description the Interventions section
    gives for the same name decides; without one, the description is the leading prose lines.
    """
    limit = stop - 1 if need_label else stop
    for target in known.get(_norm(name), []):
        for cut in range(start, limit + 1):
            if _norm(body.text(start, cut)) == _norm(target):
                return cut
    cut = start
    while cut < limit and _is_prose(body.items[cut]):
        cut += 1
    return cut


def _next_of(kinds: Sequence[str], kind: str, start: int) -> int:
    return next((k for k in range(start, len(kinds)) if kinds[k] == kind), len(kinds))


def _group_head(body: _Body, kinds: Sequence[str], pos: int) -> tuple[str, str | None, str, int]:
    """Label, description and type text of the group starting at item ``pos``, and the item after them.

    Up to its "Group Type" line when one follows; without one (a group with no type), the description
    is the prose lines after the label, or the one line between it and the group's first intervention.
    """
    if kinds[pos] != "text":
        raise FieldError("Study Groups", f"group without a label before {body.items[pos]!r}")
    label = body.items[pos]
    mark = _next_of(kinds, "group", pos + 1)
    if mark < len(kinds):
        return label, body.text(pos + 1, mark), _label_value(body.items[mark], _GROUP_TYPE) or "", mark + 1
    end = pos + 1
    while end < len(kinds) and kinds[end] == "text" and _is_prose(body.items[end]):
        end += 1
    if end == pos + 1 and end + 1 < len(kinds) and kinds[end] == "text" and kinds[end + 1] == "name":
        end += 1  # label, a short description, then the group's first intervention
    return label, body.text(pos + 1, end), "", end


def _group_listing(body: _Body, kinds: Sequence[str], pos: int, known: _Known) -> tuple[list[_Listed], int]:
    """The interventions a group lists from item ``pos`` on, and the item where the next group starts."""
    listed: list[_Listed] = []
    typed = "group" in kinds
    while pos < len(kinds) and kinds[pos] == "name":
        name = _strip_type_prefix(body.items[pos])
        start = pos + 2
        next_name, next_group = _next_of(kinds, "name", start), _next_of(kinds, "group", start)
        if typed and next_name <= next_group:
            pos = next_name  # no "Group Type" before the next name: all between is this description
        elif typed:
            pos = _description_end(body, start, next_group, name, known, need_label=True)
        else:
            pos = _description_end(body, start, next_name, name, known, need_label=False)
        listed.append(_Listed(name, _label_value(body.items[start - 1], _INTERVENTION_TYPE) or "",
                              body.text(start, pos)))
    return listed, pos


def _study_groups(body: _Body, known: _Known) -> list[tuple[Arm, list[_Listed]]]:
    """Arms with the interventions each lists."""
    kinds = _item_kinds(body.items)
    groups: list[tuple[Arm, list[_Listed]]] = []
    pos = 0
    while pos < len(kinds):
        label, description, type_text, pos = _group_head(body, kinds, pos)
        listed, pos = _group_listing(body, kinds, pos, known)
        arm = Arm(
            label=clean(label, markdown=True) or label,
            arm_type=None if type_text == "-" else _code("arm-type", _GROUP_TYPE, type_text),
            description=description,
            intervention_names=tuple(dict.fromkeys(x.name for x in listed)),
        )
        groups.append((arm, listed))
    return groups


def _matching(entries: Sequence[_Listed], listed: _Listed) -> list[int]:
    """The Interventions section entries a group's listed intervention is (by name, then description)."""
    same = [i for i, e in enumerate(entries) if _norm(e.name) == _norm(listed.name)]
    if len(same) > 1:
        return [i for i in same if _norm(entries[i].description) == _norm(listed.description)] or same
    return same


def _arms_and_interventions(groups: _Body | None, interventions: _Body | None) -> dict[str, Any]:
    entries = _intervention_section(interventions) if interventions else []
    known: _Known = {}
    for entry in entries:
        known.setdefault(_norm(entry.name), []).append(entry.description)
    arms = _study_groups(groups, known) if groups else []
    labels: list[list[str]] = [[] for _ in entries]
    for arm, listed in arms:
        for item in listed:
            matches = _matching(entries, item)
            if not matches:  # listed by a group only: the group's listing is all there is
                entries.append(item)
                labels.append([])
                matches = [len(entries) - 1]
            for m in matches:
                labels[m].append(arm.label)
    return {
        "arms": tuple(arm for arm, _ in arms),
        "interventions": tuple(
            Intervention(
                name=e.name,
                intervention_type=_code("intervention-type", _INTERVENTION_TYPE, e.type_text),
                description=e.description,
                arm_labels=tuple(dict.fromkeys(lbls)),
            )
            for e, lbls in zip(entries, labels, strict=True)
        ),
    }


# --------------------------------------------------------------------------- eligibility


def _find_line(lines: Sequence[str], pattern: re.Pattern[str], start: int) -> int | None:
    return next((i for i in range(start, len(lines)) if pattern.match(lines[i].strip())), None)


def _healthy_volunteers(text: str | None) -> bool | None:
    if not text:
        return None
    answer = {"yes": True, "true": True, "no": False, "false": False}.get(text.strip().casefold())
    if answer is None:
        raise FieldError("Accepts Healthy Volunteers", f"not Yes or No: {text!r}")
    return answer


def _age(label: str, text: str | None) -> Age | None:
    try:
        return parse_age(text)
    except ValueError as exc:
        raise FieldError(label, str(exc)) from None


def _criteria(lines: list[str]) -> tuple[str | None, str | None, str | None, int]:
    """(criteria, inclusion, exclusion) texts, and the line where the eligibility attributes start."""
    inc = _find_line(lines, _INCLUSION, 0)
    exc = _find_line(lines, _EXCLUSION, 0 if inc is None else inc + 1)
    text_start = max(i for i in (inc, exc, -1) if i is not None) + 1
    attrs = next(
        (i for i in range(text_start, len(lines)) if _has_label(lines[i], _ELIGIBILITY_ATTRS)), len(lines)
    )
    if inc is None and exc is None:
        return _prose(lines[:attrs]), None, None, attrs
    first = min(i for i in (inc, exc) if i is not None)
    inclusion = _prose(lines[inc + 1:exc if exc is not None else attrs]) if inc is not None else None
    exclusion = _prose(lines[exc + 1:attrs]) if exc is not None else None
    parts = [
        _prose(lines[:first]),
        # laid out as the registry's API v2 writes it, so all formats give one text
        f"Inclusion Criteria:\n\n{inclusion}" if inclusion else None,
        f"Exclusion Criteria:\n\n{exclusion}" if exclusion else None,
    ]
    return "\n\n".join(p for p in parts if p) or None, inclusion, exclusion, attrs


def _eligibility(body: _Body) -> dict[str, Any]:
    criteria, inclusion, exclusion, attrs = _criteria(body.lines)
    values = _labelled_values(_Body(body.lines[attrs:]).items, _ELIGIBILITY_ATTRS)
    return {"eligibility": Eligibility(
        criteria=criteria,
        inclusion=inclusion,
        exclusion=exclusion,
        minimum_age=_age("Minimum Eligible Age", values.get("Minimum Eligible Age")),
        maximum_age=_age("Maximum Eligible Age", values.get("Maximum Eligible Age")),
        sex=_code("sex", "Eligible Sex", values.get("Eligible Sex")),
        healthy_volunteers=_healthy_volunteers(values.get("Accepts Healthy Volunteers")),
    )}


# --------------------------------------------------------------------------- organisations and people


def _organization(block: Sequence[str]) -> Organization:
    """A sponsor block before its "Sponsor Role" line: name line, then class line."""
    if not block:
        raise FieldError("Sponsors", "'Sponsor Role' line without a sponsor name")
    org_class = _code("agency-class", "Sponsors", block[1]) if len(block) > 1 else None
    return Organization(block[0], org_class)


def _sponsors(body: _Body) -> tuple[Organization | None, list[Organization]]:
    lead: Organization | None = None
    collaborators: list[Organization] = []
    prev = 0
    for k, item in enumerate(body.items):
        role = _label_value(item, _SPONSOR_ROLE)
        if role is None:
            continue
        org = _organization(body.items[prev:k])
        prev = k + 1
        kind = role.casefold().replace("_", " ")
        if kind in {"lead", "lead sponsor"}:
            if lead is not None:
                raise FieldError(_SPONSOR_ROLE, f"a second lead sponsor {org.name!r}")
            lead = org
        elif kind in {"collaborator", "collaborators"}:
            collaborators.append(org)
        else:
            raise FieldError(_SPONSOR_ROLE, f"unknown sponsor role {role!r}")
    if prev < len(body.items):
        raise FieldError(_SPONSOR_ROLE, f"sponsor {body.items[prev]!r} without a 'Sponsor Role' line")
    return lead, collaborators


def _collaborator_list(body: _Body) -> list[Organization]:
    """A "Collaborators" section: name lines, each optionally followed by its class line."""
    orgs: list[Organization] = []
    for item in body.items:
        if orgs and orgs[-1].org_class is None and _is_code("agency-class", item):
            orgs[-1] = replace(orgs[-1], org_class=_code("agency-class", "Collaborators", item))
        elif _label_value(item, _SPONSOR_ROLE) is None:
            orgs.append(Organization(item))
    return orgs


def _sponsor_fields(sponsors: _Body | None, collaborators: _Body | None) -> dict[str, Any]:
    lead, orgs = _sponsors(sponsors) if sponsors else (None, [])
    orgs += _collaborator_list(collaborators) if collaborators else []
    unique: dict[str, Organization] = {}
    for org in orgs:
        unique.setdefault(_norm(org.name), org)
    return {"lead_sponsor": lead, "collaborators": tuple(unique.values())}


def _responsible_party(body: _Body) -> dict[str, Any]:
    """Name line, optional title (and affiliation) lines, "Responsibility Role X"."""
    items = body.items
    marks = [k for k, item in enumerate(items) if _label_value(item, _RESPONSIBILITY_ROLE) is not None]
    mark = marks[0] if marks else None
    before = items if mark is None else items[:mark]
    party_type = None if mark is None else _code(
        "responsible-party-type", _RESPONSIBILITY_ROLE, _label_value(items[mark], _RESPONSIBILITY_ROLE)
    )
    if party_type == "SPONSOR" or not before:
        return {"responsible_party": ResponsibleParty(party_type) if party_type else None}
    name, degrees = split_degrees(before[0])
    return {"responsible_party": ResponsibleParty(
        party_type=party_type,
        investigator_name=name or None,
        investigator_degrees=degrees,
        investigator_title=before[1] if len(before) > 1 else None,
        investigator_affiliation=before[2] if len(before) > 2 else None,
    )}


_PHONE = re.compile(r"^\+?[\d\s()\-.]+(?:\s*(?:ext\.?|x)\s*\d+)?$", re.IGNORECASE)
_EMAIL = re.compile(r"^\S+@\S+\.\S+$")


def _person(name_line: str, role: str, extra: Sequence[str], *, contact: bool) -> PersonRole:
    """A person block: name line, "Role: X", then the affiliation line (officials) or phone/email lines."""
    name, degrees = split_degrees(name_line)
    phones = [x for x in extra if contact and _PHONE.match(x) and sum(c.isdigit() for c in x) >= 5]
    emails = [x for x in extra if contact and _EMAIL.match(x)]
    rest = [x for x in extra if x not in phones and x not in emails]
    return PersonRole(
        name=name or name_line,
        role=_code("role", _ROLE, role),
        affiliation=", ".join(rest) or None,
        degrees=degrees,
        phone=phones[0] if phones else None,
        email=emails[0] if emails else None,
    )


def _people(body: _Body, section: str, *, contact: bool) -> tuple[PersonRole, ...]:
    """Blocks of name line, "Role: X", further lines; the line before each "Role:" is its person's name."""
    items = body.items
    marks = [k for k, item in enumerate(items) if _label_value(item, _ROLE) is not None]
    if not marks and items:
        raise FieldError(section, "no 'Role:' line")
    people = []
    for n, k in enumerate(marks):
        if k == 0 or (n and marks[n - 1] == k - 1):
            raise FieldError(section, "'Role:' line without a name")
        end = marks[n + 1] - 1 if n + 1 < len(marks) else len(items)
        role = _label_value(items[k], _ROLE) or ""
        people.append(_person(items[k - 1], role, items[k + 1:end], contact=contact))
    return tuple(people)


# --------------------------------------------------------------------------- locations

# Country names the registry uses that pycountry does not know (as found in registry records).
_REGISTRY_COUNTRIES = frozenset({
    "Congo, The Democratic Republic of the", "Former Serbia and Montenegro", "Kosovo",
    "Palestinian Territories, Occupied", "Russia", "Turkey", "Turkey (Türkiye)",
})
_POSTAL = re.compile(r"^\d[\d\s-]*$")


@lru_cache(maxsize=1024)
def _is_country(text: str) -> bool:
    if text in _REGISTRY_COUNTRIES:
        return True
    try:
        pycountry.countries.lookup(text)
    except LookupError:
        return False
    return True


def _address_parts(text: str) -> list[str]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) >= 2 and _is_country(f"{parts[-2]}, {parts[-1]}"):
        parts[-2:] = [f"{parts[-2]}, {parts[-1]}"]
    return parts


def _is_address(text: str, *, strict: bool) -> bool:
    """An address line: "City, [State, ]Country" (``strict``: its last part is a known country)."""
    if _label_value(text, _SITE_STATUS) is not None:
        return False
    parts = _address_parts(text)
    if len(parts) == 1:
        return _is_country(parts[0])
    return not strict or _is_country(parts[-1])


def _split_address(text: str) -> dict[str, str | None]:
    """ "Shijiazhuang, Hebei, China": first part city, last country, the ones between state (or postcode)."""
    parts = _address_parts(text)
    if len(parts) == 1:
        key = "country" if _is_country(parts[0]) else "city"
        return {key: parts[0]}
    middle = parts[1:-1]
    postal = [p for p in middle if _POSTAL.match(p)]
    state = ", ".join(p for p in middle if p not in postal)
    return {"city": parts[0], "state": state or None, "postal_code": postal[0] if postal else None,
            "country": parts[-1]}


def _site_status(items: Sequence[str], k: int) -> tuple[str | None, int]:
    """The status of "Site Status [X]" (value inline or on the next line) at ``k``, and the next index."""
    if k >= len(items) or (value := _label_value(items[k], _SITE_STATUS)) is None:
        return None, k
    k += 1
    if not value and k < len(items) and _is_code("recruitment-status", items[k]):
        value = items[k]
        k += 1
    return _code("recruitment-status", _SITE_STATUS, value), k


def _location_blocks(items: Sequence[str]) -> Iterator[tuple[list[str], str | None]]:
    """The lines of each site block, split at the "Site Status" lines that close blocks, with that status."""
    block: list[str] = []
    k = 0
    while k < len(items):
        status, after = _site_status(items, k)
        if after > k:
            yield block, status
            block, k = [], after
        else:
            block.append(items[k])
            k += 1
    if block:
        yield block, None


def _block_sites(block: Sequence[str]) -> list[Site]:
    """Sites of the lines before a "Site Status" line: a facility line, then its address line.

    Normally one site; a lone line is the address when its last part is a known country, else the
    facility; lines of several sites (a page without status lines) pair up the same way.
    """
    sites: list[Site] = []
    k = 0
    while k < len(block):
        first, nxt = block[k], block[k + 1] if k + 1 < len(block) else None
        if _is_address(first, strict=True) and (nxt is None or not _is_address(nxt, strict=True)):
            sites.append(Site(**_split_address(first)))
            k += 1
        elif nxt is not None and _is_address(nxt, strict=False):
            sites.append(Site(facility=first, **_split_address(nxt)))
            k += 2
        else:
            sites.append(Site(facility=first))
            k += 1
    return sites


def _locations(body: _Body) -> dict[str, Any]:
    """Blocks of facility line, address line and "Site Status" line (with its value when known)."""
    sites: list[Site] = []
    for block, status in _location_blocks(body.items):
        found = _block_sites(block)
        if found and status:
            found[-1] = replace(found[-1], status=status)
        sites.extend(found)
    return {"sites": tuple(sites)}


# --------------------------------------------------------------------------- identifiers


@dataclass(slots=True)
class _IdBlock:
    identifier: str
    id_type: str | None = None
    source: str | None = None
    domain: list[str] = field(default_factory=list)
    labelled: bool = False


def _identifier_blocks(body: _Body) -> list[_IdBlock]:
    """Blocks of identifier line, "Identifier Type: X", "Identifier Source: Y" (any order)."""
    blocks: list[_IdBlock] = []
    for item in body.items:
        label, value = _which_label(item, _ID_LABELS)
        if label is None:
            if blocks and not blocks[-1].labelled:
                blocks[-1].domain.append(item)
            else:
                blocks.append(_IdBlock(item))
            continue
        if not blocks:
            raise FieldError(label, "identifier label before any identifier")
        blocks[-1].labelled = True
        if label == "Identifier Type":
            blocks[-1].id_type = value
        elif label == "Identifier Source":
            blocks[-1].source = value
        else:
            blocks[-1].domain.append(value)
    return blocks


def _identifiers(body: _Body) -> dict[str, Any]:
    org_study_id: str | None = None
    secondary: list[SecondaryId] = []
    aliases: list[str] = []
    for block in _identifier_blocks(body):
        source = (block.source or "secondary_id").casefold().replace("-", "_").replace(" ", "_")
        id_type = None if block.id_type in (None, "", "-") else _code(
            "secondary-id-type", "Identifier Type", block.id_type
        )
        if source == "org_study_id":
            if org_study_id is not None:
                raise FieldError("Identifier Source", f"a second org_study_id {block.identifier!r}")
            org_study_id = block.identifier
        elif source == "secondary_id":
            secondary.append(SecondaryId(block.identifier, id_type, ", ".join(block.domain) or None))
        elif source == "nct_alias":
            aliases.append(check_nct_id(block.identifier))
        else:
            raise FieldError("Identifier Source", f"unknown identifier source {block.source!r}")
    return {"org_study_id": org_study_id, "secondary_ids": tuple(secondary), "nct_aliases": tuple(aliases)}


# --------------------------------------------------------------------------- outcomes and references
# Their layout is not known from a real page; the reading is conservative: each plain line is a new
# outcome measure / citation, and only labelled lines add details to it.

_OUTCOME_SUBHEADS = {
    f"{kind} {noun}": OutcomeKind[kind.upper()]
    for kind in ("primary", "secondary", "other")
    for noun in ("outcome", "outcomes", "outcome measure", "outcome measures")
}


def _outcomes(body: _Body, kind: OutcomeKind) -> list[Outcome]:
    outcomes: list[Outcome] = []
    items = body.items
    k = 0
    while k < len(items):
        item = items[k]
        k += 1
        if item.rstrip(":").casefold() in _OUTCOME_SUBHEADS:
            kind = _OUTCOME_SUBHEADS[item.rstrip(":").casefold()]
            continue
        label, value = _which_label(item, _OUTCOME_LABELS)
        if label is None:
            outcomes.append(Outcome(kind, clean(item, markdown=True) or item))
            continue
        if not value and k < len(items) and _which_label(items[k], _OUTCOME_LABELS)[0] is None:
            value, k = items[k], k + 1
        if outcomes and label == "Outcome Type":
            code = _code("outcome-type", "Outcome Type", value)
            outcomes[-1] = replace(outcomes[-1], kind=OutcomeKind[code] if code else outcomes[-1].kind)
        elif outcomes:
            key = "time_frame" if label == "Time Frame" else "description"
            outcomes[-1] = replace(outcomes[-1], **{key: clean(value, markdown=True)})
    return outcomes


_OUTCOME_SECTIONS = {
    "Outcome Measures": OutcomeKind.PRIMARY,
    "Primary Outcomes": OutcomeKind.PRIMARY,
    "Secondary Outcomes": OutcomeKind.SECONDARY,
    "Other Outcomes": OutcomeKind.OTHER,
}


def _references(body: _Body) -> dict[str, Any]:
    refs: list[Reference] = []
    for item in body.items:
        label, value = _which_label(item, _REFERENCE_LABELS)
        if label is None:
            refs.append(Reference(citation=clean(item, markdown=True)))
        elif label == "PMID" and value:
            if not value.isdigit():
                raise FieldError("PMID", f"not a PubMed id: {value!r}")
            refs[-1:] = [replace(refs[-1], pmid=value)] if refs else [Reference(pmid=value)]
        elif refs and value:
            refs[-1] = replace(refs[-1], reference_type=_code("reference-type", "Reference Type", value))
    return {"references": tuple(refs)}


# --------------------------------------------------------------------------- the page

_SECTION_READERS: dict[str, Callable[[_Body], dict[str, Any]]] = {
    "Study Results": _study_results,
    "Basic Information": _basic_information,
    "Brief Summary": lambda body: {"brief_summary": _prose(body.lines)},
    "Detailed Description": lambda body: {"detailed_description": _prose(body.lines)},
    "Conditions": lambda body: {"conditions": _lines_list(body)},
    "Keywords": lambda body: {"keywords": _lines_list(body)},
    "Study Design": _study_design,
    "Eligibility Criteria": _eligibility,
    "Responsible Party": _responsible_party,
    "Principal Investigators": lambda body: {
        "officials": _people(body, "Principal Investigators", contact=False)
    },
    "Central Contacts": lambda body: {"central_contacts": _people(body, "Central Contacts", contact=True)},
    "Locations": _locations,
    "Other Identifiers": _identifiers,
    "References": _references,
}


def _section_fields(sections: dict[str, list[str]]) -> dict[str, Any]:
    """The Trial fields every recognised section gives; sections read together are read together."""
    bodies = {name: _Body(lines) for name, lines in sections.items()}
    fields: dict[str, Any] = {}
    for name, reader in _SECTION_READERS.items():
        if name in bodies:
            fields.update(reader(bodies[name]))
    if "Study Groups" in bodies or "Interventions" in bodies:
        fields.update(_arms_and_interventions(bodies.get("Study Groups"), bodies.get("Interventions")))
    if "Sponsors" in bodies or "Collaborators" in bodies:
        fields.update(_sponsor_fields(bodies.get("Sponsors"), bodies.get("Collaborators")))
    outcomes = [
        o for name, kind in _OUTCOME_SECTIONS.items() if name in bodies for o in _outcomes(bodies[name], kind)
    ]
    if outcomes:
        fields["outcomes"] = tuple(outcomes)
    return fields


def _read_page(text: str, name: str) -> Trial | Rejection:
    lines = [ln.rstrip() for ln in re.split(r"\r\n|\r|\n", text)]
    nct_id: str | None = None
    try:
        header, sections = _split_page(lines)
        nct_id = _nct_id(header)
        title, version = _header(header)
        return Trial(
            nct_id=nct_id,
            provenance=Provenance(SourceFormat.TRIAL_PAGE, name, version_date=version),
            brief_title=title,
            last_update_posted=PartialDate(version) if version else None,
            **_section_fields(sections),
        )
    except FieldError as exc:
        return Rejection(name, nct_id or "-", exc.field, exc.message)
    except ValueError as exc:  # a value check outside the field parsers; still a rejection, not a crash
        return Rejection(name, nct_id or "-", "page", str(exc))


def read(source: Source) -> Iterator[Trial | Rejection]:
    """The one trial of a trial page, or the ``Rejection`` saying why it cannot be read."""
    try:
        data = source.read()
    except READ_ERRORS as exc:
        yield unreadable(source.name, exc)
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield Rejection(source.name, "-", "encoding", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return
    yield _read_page(text, source.name)
