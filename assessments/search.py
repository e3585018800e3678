"""Patient search text: one normalised form for stored names/MRNs and for what the user types; the MRN as compared.

Every letter as its plain ASCII spelling (anyascii: "José" is "jose", "Søren" "soren", "Łódź"
"lodz", "Ærø" "aero"), lower case, apostrophes removed, hyphens and other punctuation as spaces,
so "N'Diaye", "ndiaye" and "NDIAYE" are the same word. The same function fills
``Patient.search_text`` and splits the query, so a plain ``LIKE '%word%'`` finds it on SQLite and
PostgreSQL alike (where a trigram index serves it: migration 0017).
"""

from __future__ import annotations

from anyascii import anyascii

# What anyascii spells the apostrophes as (typographic ones, the modifier letter, the acute accent
# and grave accent typed as apostrophes all become one of these).
APOSTROPHES = frozenset("'`")
# The length of ``Patient.search_text``: a name spelled out in ASCII can be several times longer
# than typed (one CJK character is a syllable), so the name is cut to leave room for the MRN.
SEARCH_TEXT_MAX = 240


def normalise(text: str) -> str:
    """``text`` in lower-case ASCII, without apostrophes, other punctuation as single spaces."""
    out = []
    for char in anyascii(text).lower():
        if char in APOSTROPHES:
            continue
        out.append(char if char.isalnum() else " ")
    return " ".join("".join(out).split())


def mrn_key(mrn: str) -> str:
    """A hospital number as it is compared: without the spaces around it, case-folded.

    ``NC-1001``, ``nc-1001`` and `` Nc-1001 `` are one number. The one comparison of MRNs:
    ``Patient.mrn_key`` stores it (unique) and every lookup of a patient by MRN goes through it.
    """
    return mrn.strip().casefold()


def search_text(*, patient_name: str, mrn: str) -> str:
    """What a case is found by: its patient's name and MRN, normalised, at most ``SEARCH_TEXT_MAX`` long."""
    number = normalise(mrn)[:SEARCH_TEXT_MAX]
    name = normalise(patient_name)[: max(0, SEARCH_TEXT_MAX - len(number) - 1)]
    return f"{name.strip()} {number}".strip()


def query_words(query: str) -> list[str]:
    """The words of a search, each of which must appear (in any order) in the search text."""
    return normalise(query).split()[:10]
