"""Text clean-up shared by all readers: dates, ages, names, criteria, escapes.

Each reader meets the same registry conventions in a different spelling; doing
the clean-up here, once, is what keeps the formats in agreement.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from kg.model import Age
from kg.vocab import to_code

__all__ = [
    "clean",
    "parse_age",
    "parse_date",
    "split_criteria",
    "split_degrees",
    "unescape_markdown",
]

_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~=^&\"'])")


def unescape_markdown(text: str) -> str:
    r"""Undo the registry's Markdown backslash escapes: ``\<=`` -> ``<=``, ``\*`` -> ``*``."""
    return _MD_ESCAPE.sub(r"\1", text) if "\\" in text else text


def clean(text: str | None, *, markdown: bool = False) -> str | None:
    """Strip a text; None for empty. With ``markdown`` undo backslash escapes."""
    if text is None:
        return None
    text = text.strip()
    if not text:
        return None
    return unescape_markdown(text) if markdown else text


_LIST_ITEM = re.compile(r"^\s*(?:[-*\u2022]|\d{1,3}[.)]|[a-zA-Z][.)])\s+")
_BULLET = re.compile(r"^\s*[-*\u2022]\s+")


def reflow(text: str | None) -> str | None:
    """Undo the legacy XML's layout of a ``textblock`` so it reads like the API v2 text.

    The XML wraps text at about 100 columns, indents every line and puts blank
    lines between list items ("  -  item"). API v2 has one line per paragraph
    or item and Markdown bullets ("* item"). Wrapped lines are joined, bullets
    become "* ", and blank lines between consecutive items are dropped.
    """
    if text is None:
        return None
    paragraphs: list[list[str]] = [[]]
    for raw in text.strip("\n").splitlines():
        line = raw.strip()
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        current = paragraphs[-1]
        if current and not _LIST_ITEM.match(line):
            current[-1] = f"{current[-1]} {line}"
        else:
            current.append(_BULLET.sub("* ", line) if _LIST_ITEM.match(line) else line)
    blocks: list[str] = []
    for lines in (p for p in paragraphs if p):
        if blocks and _LIST_ITEM.match(lines[0]) and _LIST_ITEM.match(blocks[-1].rsplit("\n", 1)[-1]):
            blocks[-1] = blocks[-1] + "\n" + "\n".join(lines)
        else:
            blocks.append("\n".join(lines))
    return clean("\n\n".join(blocks))


_ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def _checked_iso(text: str) -> str:
    """An ISO date as given, after checking that month and day exist."""
    if len(text) == 10:
        datetime(int(text[:4]), int(text[5:7]), int(text[8:10]))
    elif len(text) == 7 and not 1 <= int(text[5:7]) <= 12:
        raise ValueError(f"not a date: {text!r}")
    return text


_DATE_FORMATS = ("%B %d, %Y", "%B %Y", "%b %d, %Y", "%b %Y", "%Y-%m-%d", "%Y-%m", "%Y")


def parse_date(text: str | None) -> str | None:
    """An ISO date at the precision given: "July 2017" -> "2017-07", "July 10, 2017" -> "2017-07-10".

    Raises ``ValueError`` on text that is not a date.
    """
    if text is None or not text.strip():
        return None
    text = text.strip()
    if _ISO_DATE.match(text):
        return _checked_iso(text)
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if fmt in ("%Y",):
            return f"{parsed.year:04d}"
        if "%d" in fmt:
            return f"{parsed.year:04d}-{parsed.month:02d}-{parsed.day:02d}"
        return f"{parsed.year:04d}-{parsed.month:02d}"
    raise ValueError(f"not a date: {text!r}")


_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*$")


def parse_age(text: str | None) -> Age | None:
    """ "14 Years" -> Age(14, YEARS); "N/A" and empty -> None; anything else raises ValueError."""
    if text is None or not text.strip() or text.strip().upper() in {"N/A", "NA", "NONE"}:
        return None
    match = _AGE.match(text)
    if not match:
        raise ValueError(f"not an age: {text!r}")
    try:
        value = Decimal(match.group(1))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
        raise ValueError(f"not an age: {text!r}") from exc
    unit = to_code("age-unit", match.group(2))
    assert unit is not None
    return Age(value, unit)


# Degrees, titles and honorifics that follow a name after a comma, or precede it.
_DEGREE_WORDS = {
    "md", "m.d.", "m.d", "phd", "ph.d.", "ph.d", "ph d", "mph", "msc", "ms", "m.s.", "ma", "mba", "bsc", "bs",
    "ba", "rn", "bsn", "msn", "np", "pa", "pa-c", "pharmd", "pharm.d.", "do", "d.o.", "dds", "dmd", "dvm",
    "frcp", "frcpc", "frcs", "facp", "facs", "mbbs", "mb", "bch", "chb", "mrcp", "frcpath", "dr", "dr.", "prof",
    "prof.", "professor", "doctor", "master", "bachelor", "mscn", "mpharm", "ms.c.", "drph", "psyd", "edd",
    "lcsw", "ccrp", "crc", "ccrc", "cnm", "cns", "otr", "pt", "dpt", "ot", "slp", "ccc-slp", "rd", "ld",
    "mmed", "mrcog", "frcog", "mbchb", "bm", "bmbs", "dphil", "md-phd", "md/phd", "mdphd", "ms.", "m.sc.",
    "m.sc", "b.sc.", "msw", "mhs", "mhsc", "mcr", "mas", "mscr", "faan", "fccp", "facc", "fasco",
    "jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "mr", "mr.", "mrs", "mrs.", "miss", "dipl", "dipl.",
    "principal investigator", "study chair", "study director", "clinical trials", "clinical trial",
}
_PREFIX = re.compile(r"^(?:(?:dr|prof|professor|mr|mrs|ms|miss)\.?\s+)+", re.IGNORECASE)
_DEGREE_TOKEN = re.compile(r"^[A-Z][A-Za-z.]{0,7}$")


_POST_NOMINAL = re.compile(r"^(?:[A-Z]\.?){2,7}$")


def _is_degree(part: str) -> bool:
    word = part.strip().lower()
    if word in _DEGREE_WORDS or _POST_NOMINAL.match(part.strip()):
        return True  # a known degree, or capitals after a comma: "FECSM", "F.R.C.S."
    # "MD PhD", "M.D., Ph.D." style runs of degree words
    tokens = re.split(r"[\s/]+", word)
    return len(tokens) > 1 and all(t in _DEGREE_WORDS for t in tokens if t)


def split_degrees(raw: str) -> tuple[str, tuple[str, ...]]:
    """Separate a person's name from the degrees and titles the registry appends.

    "Baoyong Yan, Doctor" -> ("Baoyong Yan", ("Doctor",)); "Jane Doe, MD, PhD" ->
    ("Jane Doe", ("MD", "PhD")); "Dr. John Smith" -> ("John Smith", ("Dr.",)).
    Parts after a comma that are not degrees (a surname-first "Smith, John")
    stay in the name.
    """
    text = re.sub(r"\s+", " ", raw).strip()
    degrees: list[str] = []
    prefix = _PREFIX.match(text)
    if prefix:
        degrees.extend(prefix.group(0).split())
        text = text[prefix.end():]
    parts = [p.strip() for p in text.split(",")]
    name_parts = [parts[0]]
    for part in parts[1:]:
        if not part:
            continue
        if _is_degree(part):
            degrees.append(part)
        else:
            name_parts.append(part)
    name = ", ".join(p for p in name_parts if p)
    # a trailing degree written without a comma: "John Smith MD"
    words = name.split(" ")
    while len(words) > 2 and words[-1].lower() in _DEGREE_WORDS and _DEGREE_TOKEN.match(words[-1]):
        degrees.append(words.pop())
    return " ".join(words).strip(), tuple(degrees)


_INCLUSION = re.compile(r"^\s*(?:key\s+)?inclusion\s+criteria\s*:?\s*$", re.IGNORECASE | re.MULTILINE)
_EXCLUSION = re.compile(r"^\s*(?:key\s+)?exclusion\s+criteria\s*:?\s*$", re.IGNORECASE | re.MULTILINE)


def split_criteria(text: str | None) -> tuple[str | None, str | None]:
    """Split an eligibility text into (inclusion, exclusion) at their headings.

    Texts without the headings give (None, None): the whole text is kept as the
    criteria, and nothing is guessed.
    """
    if not text:
        return None, None
    inc = _INCLUSION.search(text)
    exc = _EXCLUSION.search(text)
    if not inc and not exc:
        return None, None
    if inc and exc and inc.start() < exc.start():
        return clean(text[inc.end():exc.start()]), clean(text[exc.end():])
    if inc and exc:
        return clean(text[inc.end():]), clean(text[exc.end():inc.start()])
    if inc:
        return clean(text[inc.end():]), None
    assert exc is not None
    return None, clean(text[exc.end():])
