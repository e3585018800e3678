"""Patient search text: one normalised form for stored names/MRNs and for what the user types.

Lower case, accents and apostrophes removed, hyphens and other punctuation as
spaces, so "N'Diaye", "ndiaye" and "NDIAYE" are the same word and "José" is
"jose". The same function fills ``Patient.search_text`` and splits the query, so a
plain ``LIKE '%word%'`` finds it on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import unicodedata

# ASCII and typographic apostrophes, modifier letter apostrophe, grave and acute accents.
APOSTROPHES = frozenset("'\u2019\u2018\u02bc`\u00b4")


def normalise(text: str) -> str:
    """``text`` lower-cased, without accents or apostrophes, other punctuation as single spaces."""
    out = []
    for char in unicodedata.normalize("NFKD", text.casefold()):
        if char in APOSTROPHES or unicodedata.combining(char):
            continue
        out.append(char if char.isalnum() else " ")
    return " ".join("".join(out).split())


def search_text(*, patient_name: str, mrn: str) -> str:
    """What a case is found by: its patient's name and MRN, normalised."""
    return f"{normalise(patient_name)} {normalise(mrn)}".strip()


def query_words(query: str) -> list[str]:
    """The words of a search, each of which must appear (in any order) in the search text."""
    return normalise(query).split()[:10]
