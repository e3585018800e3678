"""A case page's posted entries brought to the shape the forms read, before any form sees them.

The forms parse one shape only: the case's fields, one lesion card per involved level (a Django
formset under ``LESION_PREFIX``) and the index mark. Everything else a browser may send is made
into that shape here, once per request, by :func:`posted_entries`:

- a page drawn before lesions existed (one flat lesion: rule set 2026.1) may still be open when the
  app is upgraded; its entries become one index card, kept rather than refused;
- cards marked for removal are dropped and the rest numbered 0..n-1 (the index mark follows its card),
  so a page drawn again from the entries shows exactly the cards kept and its names stay contiguous;
- without JavaScript, "Add a lesion" draws the page again with one more, empty card, and "Add a prior
  course" one more, empty entry on its card; a card's removed entries are dropped and the rest renumbered
  as cards are, and a card from a page without courses gets none (not recorded).
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from assessments import rules
from assessments.cases.forms import COURSES_PREFIX, INDEX_KEY, LESION_PREFIX

TOTAL_FORMS = f"{LESION_PREFIX}-TOTAL_FORMS"
# A removal box as browsers and the formset send it ticked.
REMOVED = ("on", "true", "1")
# The no-JavaScript "Add a prior course" button's action: this and the card's number.
ADD_COURSE = "add_course-"


def posted_entries(data: Any, *, add_lesion: bool = False, add_course: int | None = None) -> Any:
    """``data`` (a POST or the entries kept when a session ended) as the case forms read it.

    ``None`` stays ``None`` (nothing was posted); ``add_lesion`` appends one empty card, ``add_course``
    one empty prior radiation entry to that card (its number as posted, before removed cards are dropped).
    """
    if data is None:
        return None
    if add_course is not None:
        data = _with_added_course(data, add_course)
    data = _compact(_upgrade_flat(data))
    return _with_added_card(data) if add_lesion else data


def added_course(action: object) -> int | None:
    """The card number of an "Add a prior course" button's ``action`` (``add_course-2``), or None for any other."""
    if isinstance(action, str) and action.startswith(ADD_COURSE):
        number = action.removeprefix(ADD_COURSE)
        if number.isascii() and number.isdigit() and len(number) <= 2:
            return int(number)
    return None


def _upgrade_flat(data: Any) -> Any:
    """A flat (2026.1-shaped) post as one index lesion card; any other post as it is."""
    if TOTAL_FORMS in data or not any(name in data for name in rules.LESION_FIELDS):
        return data
    upgraded = data.copy()
    for name in rules.LESION_FIELDS:
        if name in upgraded:
            value = data.get(name)
            del upgraded[name]
            upgraded[f"{LESION_PREFIX}-0-{name}"] = value
    upgraded[TOTAL_FORMS] = "1"
    upgraded[f"{LESION_PREFIX}-INITIAL_FORMS"] = "0"
    upgraded[INDEX_KEY] = "0"
    return upgraded


def _compact(data: Any) -> Any:
    """The entries with removed cards dropped and the rest renumbered 0..n-1."""
    if TOTAL_FORMS not in data:
        return data
    try:
        total = min(int(data.get(TOTAL_FORMS)), 2 * rules.MAX_LESIONS)
    except (TypeError, ValueError):
        return data
    out = _without_cards(data)
    index_raw = data.get(INDEX_KEY)
    new_index = None
    kept = 0
    for old in range(total):
        if data.get(f"{LESION_PREFIX}-{old}-DELETE") in REMOVED:
            continue
        for name in rules.LESION_FIELDS:
            key = f"{LESION_PREFIX}-{old}-{name}"
            if key in data:
                out[f"{LESION_PREFIX}-{kept}-{name}"] = data.get(key)
        _move_courses(data, out, f"{LESION_PREFIX}-{old}-{COURSES_PREFIX}", f"{LESION_PREFIX}-{kept}-{COURSES_PREFIX}")
        if index_raw == str(old):
            new_index = kept
        kept += 1
    if kept == 0:
        # Every card marked for removal: keep them on the page (the formset says one must stay), never
        # drop what was typed in the last one.
        return data
    out[TOTAL_FORMS] = str(kept)
    if new_index is None:
        out.pop(INDEX_KEY, None)
    else:
        out[INDEX_KEY] = str(new_index)
    return out


def _move_courses(data: Any, out: Any, old: str, new: str) -> None:
    """One card's prior radiation entries moved from prefix ``old`` to ``new``: removed ones dropped, the rest 0..n-1.

    A card with no course entries (a page drawn before they existed) gets none: "not recorded".
    """
    try:
        total = min(int(data.get(f"{old}-TOTAL_FORMS")), 2 * rules.MAX_COURSES)
    except (TypeError, ValueError):
        total = 0
    kept = 0
    for number in range(total):
        if data.get(f"{old}-{number}-DELETE") in REMOVED:
            continue
        for name in rules.COURSE_FIELDS:
            key = f"{old}-{number}-{name}"
            if key in data:
                out[f"{new}-{kept}-{name}"] = data.get(key)
        kept += 1
    out[f"{new}-TOTAL_FORMS"] = str(kept)
    out[f"{new}-INITIAL_FORMS"] = "0"


def _with_added_course(data: Any, card: int) -> Any:
    """The entries with one more, empty prior radiation entry on card ``card`` (at ``rules.MAX_COURSES``: unchanged)."""
    prefix = f"{LESION_PREFIX}-{card}-{COURSES_PREFIX}"
    try:
        cards, number = int(data.get(TOTAL_FORMS)), int(data.get(f"{prefix}-TOTAL_FORMS"))
    except (TypeError, ValueError):
        return data
    if not 0 <= card < cards or number >= rules.MAX_COURSES:
        return data
    data = data.copy()
    data[f"{prefix}-TOTAL_FORMS"] = str(number + 1)
    return data


def _is_card_key(key: str) -> bool:
    return key.startswith(f"{LESION_PREFIX}-") and key[len(LESION_PREFIX) + 1 : len(LESION_PREFIX) + 2].isdigit()


def _without_cards(data: Any) -> Any:
    """A mutable copy of ``data`` without the cards' own entries, the other entries in their order.

    A POST is copied key by key: ``QueryDict.copy`` deep-copies every value list through the generic
    ``copy`` machinery, a noticeable part of a live update with eight cards; the values are text, so the
    new lists hold the same.
    """
    if isinstance(data, QueryDict):
        out = QueryDict(mutable=True, encoding=data.encoding)
        for key, values in data.lists():
            if not _is_card_key(key):
                out.setlist(key, values)
        return out
    out = data.copy()
    for key in list(out.keys()):
        if _is_card_key(key):
            del out[key]
    return out


def _with_added_card(data: Any) -> Any:
    """The entries with one more, empty card after the others; at ``rules.MAX_LESIONS`` cards, as they are."""
    try:
        number = int(data.get(TOTAL_FORMS))
    except (TypeError, ValueError):
        return data
    if number >= rules.MAX_LESIONS:
        return data
    data = data.copy()
    data[TOTAL_FORMS] = str(number + 1)
    data[f"{LESION_PREFIX}-{number}-stability_assessment"] = rules.StabilityAssessment.NOT_ASSESSED.value
    return data
