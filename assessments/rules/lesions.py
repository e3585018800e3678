"""Spec 2.6, several lesions: each lesion as the rules read it, and the subsets the any-lesion rules share.

The engine derives each lesion once (:class:`LesionView`) and sorts and groups them once
(:class:`Lesions`); the rules of sections 5-7 read these groups instead of each scanning the lesions
again. Field names such as ``lesions[1].escc_grade`` come from constant tables built at import.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from .codes import LEVEL_POSITION, SinsPain, SpinalLevel, Stability
from .inputs import LESION_FIELDS, MAX_LESIONS, LesionInput
from .result import LesionResult
from .texts import SINS_INPUTS, STABILITY_INPUTS


class FieldNames:
    """The case-format names of the lesion fields the rules read together, for the lesions at ``positions``.

    Names run position by position: ``LESION_NAMES[2].stability`` is lesion 2's stability inputs,
    ``EVERY_LESION[3].stability`` those of every lesion of a three-lesion case. Only the constant
    tables :data:`LESION_NAMES` and :data:`EVERY_LESION` hold these: an evaluation looks names up,
    it never builds them.
    """

    __slots__ = (
        "budget",
        "escc",
        "escc_and_pain",
        "escc_and_stability",
        "level_and_index",
        "pain_and_assessment",
        "prior_radiation",
        "sins",
        "stability",
    )

    def __init__(self, positions: tuple[int, ...]) -> None:
        def named(*fields: str) -> tuple[str, ...]:
            return tuple(f"lesions[{position}].{name}" for position in positions for name in fields)

        self.escc = named("escc_grade")
        self.sins = named(*SINS_INPUTS)
        self.stability = named(*STABILITY_INPUTS)
        self.escc_and_stability = named("escc_grade", *STABILITY_INPUTS)
        self.escc_and_pain = named("escc_grade", "sins_pain")
        self.pain_and_assessment = named("sins_pain", "stability_assessment")
        self.level_and_index = named("spinal_level", "index")
        self.prior_radiation = named("prior_radiation_in_field")
        # Spec 4.1: the inputs of the re-irradiation budget (its rationale item and alerts).
        self.budget = (*named("prior_radiation_in_field", "prior_radiation_courses"), "evaluation_date")


class LesionNames(FieldNames):
    """The names of one lesion's fields, such as ``lesions[1].escc_grade``, also one by one (``field``)."""

    __slots__ = ("field",)

    def __init__(self, position: int) -> None:
        super().__init__((position,))
        self.field: Mapping[str, str] = MappingProxyType(
            {name: f"lesions[{position}].{name}" for name in (*LESION_FIELDS, "index", "prior_radiation_courses")}
        )

    def qualify(self, inputs: tuple[str, ...]) -> tuple[str, ...]:
        """``inputs`` with each bare lesion field name (``escc_grade``) named for this lesion."""
        field = self.field
        return tuple(field.get(name, name) for name in inputs)


LESION_NAMES: Final = tuple(LesionNames(position) for position in range(MAX_LESIONS))
# EVERY_LESION[n]: the names of every lesion of a case with n lesions, in position order;
# OTHER_LESIONS[n][i]: the same without the lesion at position i (the index lesion).
EVERY_LESION: Final = tuple(FieldNames(tuple(range(count))) for count in range(MAX_LESIONS + 1))
OTHER_LESIONS: Final = tuple(
    tuple(FieldNames(tuple(p for p in range(count) if p != index)) for index in range(count))
    for count in range(MAX_LESIONS + 1)
)


class LesionView:
    """A lesion as the any-lesion rules read it: its inputs, derived values and field names."""

    __slots__ = ("derived", "given", "names")

    def __init__(self, given: LesionInput, derived: LesionResult) -> None:
        self.given = given
        self.derived = derived
        self.names = LESION_NAMES[derived.position]

    def name(self, field_name: str) -> str:
        """The case-format name of one of this lesion's fields, such as ``lesions[1].escc_grade``."""
        return self.names.field[field_name]


def _anatomical_key(view: LesionView) -> int:
    return LEVEL_POSITION[view.given.spinal_level]


class Lesions:
    """Every lesion of a case (spec 2.6), grouped once for the rules that read "any lesion".

    ``views`` keeps the order the lesions were given, the order input names are listed in: ``names``
    for every lesion, ``others_names`` for every lesion but the index one. ``anatomical`` and the
    groups ``unstable``, ``not_stable`` (unstable or potentially unstable), ``high_grade``,
    ``painful`` (SINS pain other than pain-free) and ``irradiated`` (prior radiation in the field, so
    with a re-irradiation budget) are in anatomical order, the order the sentences name levels in.
    ``budget_names`` are the budget inputs of every irradiated lesion, in the order given, with the
    evaluation date once (spec 4.1; the budget alerts read them).
    """

    __slots__ = (
        "anatomical",
        "budget_names",
        "high_grade",
        "index",
        "irradiated",
        "names",
        "not_stable",
        "others_names",
        "painful",
        "unstable",
        "views",
    )

    def __init__(self, views: tuple[LesionView, ...], index_position: int) -> None:
        self.views = views
        self.index = views[index_position]
        self.names = EVERY_LESION[len(views)]
        self.others_names = OTHER_LESIONS[len(views)][index_position]
        self.anatomical = anatomical = tuple(sorted(views, key=_anatomical_key))
        unstable: list[LesionView] = []
        not_stable: list[LesionView] = []
        high_grade: list[LesionView] = []
        painful: list[LesionView] = []
        irradiated: list[LesionView] = []
        stable, pain_free = Stability.STABLE, SinsPain.PAIN_FREE  # read once, not once per lesion
        for view in anatomical:
            stability = view.derived.stability
            if stability != stable:
                not_stable.append(view)
                if stability == Stability.UNSTABLE:
                    unstable.append(view)
            if view.derived.high_grade:
                high_grade.append(view)
            if view.given.sins_pain != pain_free:
                painful.append(view)
            if view.given.prior_radiation_in_field:
                irradiated.append(view)
        self.unstable = tuple(unstable)
        self.not_stable = tuple(not_stable)
        self.high_grade = tuple(high_grade)
        self.painful = tuple(painful)
        self.irradiated = tuple(irradiated)
        self.budget_names = _budget_names(views) if irradiated else ()


def _budget_names(views: tuple[LesionView, ...]) -> tuple[str, ...]:
    """The budget inputs of every lesion irradiated before, in the order given (the evaluation date once)."""
    names: list[str] = []
    for view in views:
        if view.given.prior_radiation_in_field:
            # Every lesion's names end with "evaluation_date": keep it where the first lesion has it.
            names += view.names.budget if not names else view.names.budget[:-1]
    return tuple(names)


def levels(views: tuple[LesionView, ...] | list[LesionView]) -> tuple[SpinalLevel, ...]:
    """The levels of ``views`` (taken in anatomical order from :class:`Lesions`)."""
    return tuple(view.given.spinal_level for view in views)
