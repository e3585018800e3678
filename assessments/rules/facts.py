"""The words of a reason as data: sentence parts that are either plain words or facts (field, code, points, level).

A rule writes each reason as a tuple of parts. The plain words are the rule's own; each :class:`Fact`
names a finding the way the spec does (``sins_pain mechanical (3)``), and :func:`text_of` spells the
whole sentence so (the ``text`` of ``Result.to_dict()``). The page spells the same parts in clinical
words (``assessments/presenters/reasons.py``) from the facts themselves, never by reading the text.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import Final, TypeAlias

from .codes import SpinalLevel
from .record import record


class Form(StrEnum):
    """How a sentence names a fact; the engine's spelling of each is in :func:`spell`."""

    PAIR = "pair"  # sins_pain mechanical
    IS = "is"  # motor_status is nonambulatory
    CODE = "code"  # T7, urgent_decompression, 14
    POINTS = "points"  # sins_pain mechanical (3)
    LOCATION = "location"  # spinal_level T7 is semi_rigid (1)
    BAND = "band"  # band gte_12_months
    ITEM = "item"  # karnofsky 2
    MISSING = "missing"  # karnofsky


@record
class Fact:
    """One finding a reason names: the field, its code (``yes``/``no`` for a flag), the points it scores.

    ``level`` is the spinal level a SINS location is of (``code`` is then the location class).
    """

    field: str
    code: str = ""
    points: int | None = None
    level: str | None = None
    form: Form = Form.PAIR

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"field": self.field, "code": str(self.code), "form": self.form.value}
        if self.points is not None:
            out["points"] = self.points
        if self.level is not None:
            out["level"] = str(self.level)
        return out


@record
class Listing:
    """Facts listed one after another (the SINS components, the inputs a score misses)."""

    facts: tuple[Fact, ...]
    separator: str = ", "

    def to_json(self) -> dict[str, object]:
        return {"list": [fact.to_json() for fact in self.facts], "separator": self.separator}


Part: TypeAlias = str | Fact | Listing
Words: TypeAlias = tuple[Part, ...]


# The constructors below intern their facts: an evaluation names the same few hundred facts again and
# again, and building each one anew cost a third of an 8-lesion evaluation (bench/bench_rules.py).


@cache
def fact(field: str, code: str | bool) -> Fact:
    """``field code`` (a flag reads ``yes`` or ``no``)."""
    if isinstance(code, bool):
        return Fact(field, "yes" if code else "no")
    return Fact(field, code)


@cache
def fact_is(field: str, code: str | bool) -> Fact:
    """``field is code`` (a flag reads ``yes`` or ``no``)."""
    if isinstance(code, bool):
        return Fact(field, "yes" if code else "no", form=Form.IS)
    return Fact(field, code, form=Form.IS)


@cache
def bare(field: str, code: str | int) -> Fact:
    """The code alone (a level, a pathway, a number)."""
    return Fact(field, str(code), form=Form.CODE)


@cache
def item(field: str, points: int) -> Fact:
    """A score item and its points ("karnofsky 2")."""
    return Fact(field, points=points, form=Form.ITEM)


@cache
def missing(field: str) -> Fact:
    """An input a score needs and does not have."""
    return Fact(field, form=Form.MISSING)


# The facts named most often, made once: looking one up costs a fraction of a call to bare().
LEVELS: Final[dict[str, Fact]] = {level: bare("spinal_level", level) for level in SpinalLevel}
SINS_TOTALS: Final = {total: bare("sins_total", total) for total in range(19)}


def levels(found: tuple[str, ...] | list[str]) -> Listing:
    """Spinal levels in a list ("T7, L2")."""
    return Listing(tuple([LEVELS[level] for level in found]))


def joined(groups: list[Words], separator: str) -> Words:
    """Phrases one after another with ``separator`` between them ("A and B")."""
    parts: list[Part] = []
    for group in groups:
        if parts:
            parts.append(separator)
        parts.extend(group)
    return tuple(parts)


# The forms, read once: reading a member through its enum class costs ten times a global's read on 3.11.
_CODE, _PAIR, _IS, _POINTS, _LOCATION, _BAND, _ITEM = (
    Form.CODE,
    Form.PAIR,
    Form.IS,
    Form.POINTS,
    Form.LOCATION,
    Form.BAND,
    Form.ITEM,
)


def spell(part: Part) -> str:
    """A part as the engine writes it."""
    if isinstance(part, str):
        return part
    if isinstance(part, Listing):
        return part.separator.join([spell(item) for item in part.facts])
    form = part.form
    if form is _CODE:  # the commonest form (levels, figures, codes), so it is looked at first
        return part.code
    if form == _PAIR:
        return f"{part.field} {part.code}"
    if form == _IS:
        return f"{part.field} is {part.code}"
    if form == _POINTS:
        return f"{part.field} {part.code} ({part.points})"
    if form == _LOCATION:
        return f"spinal_level {part.level} is {part.code} ({part.points})"
    if form == _BAND:
        return f"band {part.code}"
    if form == _ITEM:
        return f"{part.field} {part.points}"
    return part.field  # Form.MISSING, the last of the forms: the input's name alone


def text_of(words: Words) -> str:
    """The sentence as the engine writes it: every fact named with its code, as in the spec."""
    return "".join([spell(part) for part in words])


def words_to_json(words: Words) -> list[object]:
    """The parts as plain JSON: a string, a fact object or a ``{"list": ..., "separator": ...}`` object."""
    return [part if isinstance(part, str) else part.to_json() for part in words]


def _fact_from_json(data: dict[str, object]) -> Fact:
    points, level = data.get("points"), data.get("level")
    return Fact(
        field=str(data["field"]),
        code=str(data["code"]),
        points=points if isinstance(points, int) else None,
        level=level if isinstance(level, str) else None,
        form=Form(str(data["form"])),
    )


def words_from_json(data: list[object]) -> Words:
    """The parts :func:`words_to_json` wrote, read back."""
    parts: list[Part] = []
    for item in data:
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, dict) and isinstance(item.get("list"), list):
            facts = tuple(_fact_from_json(entry) for entry in item["list"])
            parts.append(Listing(facts, str(item["separator"])))
        elif isinstance(item, dict):
            parts.append(_fact_from_json(item))
        else:
            raise ValueError(f"not a part of a reason: {item!r}")
    return tuple(parts)
