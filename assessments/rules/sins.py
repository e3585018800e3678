"""Spec 2.1 SINS [17] (points, total, category, the partial score of an incomplete form) and 2.4 stability."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final, TypeVar

from .codes import (
    SinsAlignment,
    SinsBoneLesion,
    SinsCategory,
    SinsCollapse,
    SinsPain,
    SinsPosterolateral,
    SpinalLevel,
    SpineLocation,
    Stability,
    StabilityAssessment,
)
from .facts import SINS_TOTALS, Fact, Form, Listing, Words, fact, joined
from .lesions import LesionNames
from .result import RationaleItem, SinsComponents, SinsResult
from .texts import SRC_SINS, SRC_STABILITY

# --------------------------------------------------------------------------------------------
# Point tables (spec 2.1, seed table 2 [17]); the web form shows them next to each choice.
# --------------------------------------------------------------------------------------------

_L = SpinalLevel
_JUNCTIONAL_LEVELS: Final = (_L.OCCIPUT, _L.C1, _L.C2, _L.C7, _L.T1, _L.T2, _L.T11, _L.T12, _L.L1, _L.L5, _L.S1)
_MOBILE_LEVELS: Final = (_L.C3, _L.C4, _L.C5, _L.C6, _L.L2, _L.L3, _L.L4)
_SEMI_RIGID_LEVELS: Final = (_L.T3, _L.T4, _L.T5, _L.T6, _L.T7, _L.T8, _L.T9, _L.T10)
_RIGID_LEVELS: Final = (_L.S2, _L.S3, _L.S4, _L.S5)


def _location_table() -> dict[SpinalLevel, SpineLocation]:
    table: dict[SpinalLevel, SpineLocation] = {}
    for levels, location in (
        (_JUNCTIONAL_LEVELS, SpineLocation.JUNCTIONAL),
        (_MOBILE_LEVELS, SpineLocation.MOBILE),
        (_SEMI_RIGID_LEVELS, SpineLocation.SEMI_RIGID),
        (_RIGID_LEVELS, SpineLocation.RIGID),
    ):
        table.update(dict.fromkeys(levels, location))
    # Anatomical order, whatever the grouping above.
    return {level: table[level] for level in SpinalLevel}


LOCATION_BY_LEVEL: Final[Mapping[SpinalLevel, SpineLocation]] = MappingProxyType(_location_table())
LOCATION_POINTS: Final[Mapping[SpineLocation, int]] = MappingProxyType(
    {
        SpineLocation.JUNCTIONAL: 3,
        SpineLocation.MOBILE: 2,
        SpineLocation.SEMI_RIGID: 1,
        SpineLocation.RIGID: 0,
    }
)
PAIN_POINTS: Final[Mapping[SinsPain, int]] = MappingProxyType(
    {
        SinsPain.MECHANICAL: 3,
        SinsPain.OCCASIONAL_NONMECHANICAL: 1,
        SinsPain.PAIN_FREE: 0,
    }
)
BONE_LESION_POINTS: Final[Mapping[SinsBoneLesion, int]] = MappingProxyType(
    {
        SinsBoneLesion.LYTIC: 2,
        SinsBoneLesion.MIXED: 1,
        SinsBoneLesion.BLASTIC: 0,
    }
)
ALIGNMENT_POINTS: Final[Mapping[SinsAlignment, int]] = MappingProxyType(
    {
        SinsAlignment.SUBLUXATION: 4,
        SinsAlignment.DE_NOVO_DEFORMITY: 2,
        SinsAlignment.NORMAL: 0,
    }
)
COLLAPSE_POINTS: Final[Mapping[SinsCollapse, int]] = MappingProxyType(
    {
        SinsCollapse.GT_50: 3,
        SinsCollapse.LT_50: 2,
        SinsCollapse.NO_COLLAPSE_GT_50_INVOLVED: 1,
        SinsCollapse.NONE: 0,
    }
)
POSTEROLATERAL_POINTS: Final[Mapping[SinsPosterolateral, int]] = MappingProxyType(
    {
        SinsPosterolateral.BILATERAL: 3,
        SinsPosterolateral.UNILATERAL: 1,
        SinsPosterolateral.NONE: 0,
    }
)

SINS_MAX: Final = 18
SINS_CONSULTATION_THRESHOLD: Final = 7
SINS_UNSTABLE_THRESHOLD: Final = 13
HOURS_NONAMBULATORY_LIMIT: Final = 48


def location_points(level: SpinalLevel) -> int:
    """SINS location points of a spinal level (junctional 3, mobile 2, semi-rigid 1, rigid 0)."""
    return LOCATION_POINTS[LOCATION_BY_LEVEL[level]]


def sins_category(total: int) -> SinsCategory:
    """SINS category of a total: stable 0-6, indeterminate 7-12, unstable 13-18 (spec 2.1)."""
    if total >= SINS_UNSTABLE_THRESHOLD:
        return SinsCategory.UNSTABLE
    if total >= SINS_CONSULTATION_THRESHOLD:
        return SinsCategory.INDETERMINATE
    return SinsCategory.STABLE


# --------------------------------------------------------------------------------------------
# Partial SINS for an incomplete web form
# --------------------------------------------------------------------------------------------

# (component name, input field name, maximum points) in SINS table order.
_SINS_FIELDS: Final = (
    ("location", "spinal_level", max(LOCATION_POINTS.values())),
    ("pain", "sins_pain", max(PAIN_POINTS.values())),
    ("bone_lesion", "sins_bone_lesion", max(BONE_LESION_POINTS.values())),
    ("alignment", "sins_alignment", max(ALIGNMENT_POINTS.values())),
    ("collapse", "sins_collapse", max(COLLAPSE_POINTS.values())),
    ("posterolateral", "sins_posterolateral", max(POSTEROLATERAL_POINTS.values())),
)


@dataclass(frozen=True, slots=True)
class PartialSins:
    """SINS so far while the form is being filled in.

    ``components`` maps each component name ("location", "pain", ...) to its points, or None
    when its input is missing; ``missing`` lists the missing input field names; ``category``
    is set only when nothing is missing. ``max_possible`` is the total if every missing
    component scored its maximum, so ``lowest_category``..``highest_category`` is the range
    the final category can still fall in.
    """

    components: dict[str, int | None]
    total_so_far: int
    missing: tuple[str, ...]
    category: SinsCategory | None
    max_possible: int
    location: SpineLocation | None
    lowest_category: SinsCategory
    highest_category: SinsCategory


def sins_partial(
    *,
    spinal_level: SpinalLevel | None = None,
    sins_pain: SinsPain | None = None,
    sins_bone_lesion: SinsBoneLesion | None = None,
    sins_alignment: SinsAlignment | None = None,
    sins_collapse: SinsCollapse | None = None,
    sins_posterolateral: SinsPosterolateral | None = None,
) -> PartialSins:
    """SINS from whichever components are known (spec 2.1); never raises."""
    points: tuple[int | None, ...] = (
        None if spinal_level is None else location_points(spinal_level),
        None if sins_pain is None else PAIN_POINTS[sins_pain],
        None if sins_bone_lesion is None else BONE_LESION_POINTS[sins_bone_lesion],
        None if sins_alignment is None else ALIGNMENT_POINTS[sins_alignment],
        None if sins_collapse is None else COLLAPSE_POINTS[sins_collapse],
        None if sins_posterolateral is None else POSTEROLATERAL_POINTS[sins_posterolateral],
    )
    components: dict[str, int | None] = {}
    missing: list[str] = []
    total = 0
    max_possible = 0
    for (name, field, maximum), value in zip(_SINS_FIELDS, points, strict=True):
        components[name] = value
        if value is None:
            missing.append(field)
            max_possible += maximum
        else:
            total += value
            max_possible += value
    return PartialSins(
        components=components,
        total_so_far=total,
        missing=tuple(missing),
        category=None if missing else sins_category(total),
        max_possible=max_possible,
        location=None if spinal_level is None else LOCATION_BY_LEVEL[spinal_level],
        lowest_category=sins_category(total),
        highest_category=sins_category(max_possible),
    )


_SINS_MEANING: Final = {
    SinsCategory.STABLE: "0-6, stable",
    SinsCategory.INDETERMINATE: "7-12, possible impending instability",
    SinsCategory.UNSTABLE: "13-18, unstable",
}
# Pre-built facts: the SINS has the largest key space, so its sentence is assembled from these.
_LEVEL_FACTS: Final = {
    level: Fact("spinal_level", location, LOCATION_POINTS[location], level, Form.LOCATION)
    for level, location in LOCATION_BY_LEVEL.items()
}


_Code = TypeVar("_Code", bound=StrEnum)


def _point_facts(field: str, table: Mapping[_Code, int]) -> dict[_Code, Fact]:
    return {key: Fact(field, key, points, form=Form.POINTS) for key, points in table.items()}


_PAIN_FACTS: Final = _point_facts("sins_pain", PAIN_POINTS)
_BONE_LESION_FACTS: Final = _point_facts("sins_bone_lesion", BONE_LESION_POINTS)
_ALIGNMENT_FACTS: Final = _point_facts("sins_alignment", ALIGNMENT_POINTS)
_COLLAPSE_FACTS: Final = _point_facts("sins_collapse", COLLAPSE_POINTS)
_POSTEROLATERAL_FACTS: Final = _point_facts("sins_posterolateral", POSTEROLATERAL_POINTS)


def sins_score(
    level: SpinalLevel,
    pain: SinsPain,
    bone_lesion: SinsBoneLesion,
    alignment: SinsAlignment,
    collapse: SinsCollapse,
    posterolateral: SinsPosterolateral,
    *,
    names: LesionNames,
) -> tuple[SinsResult, RationaleItem]:
    """Spec 2.1 SINS: sum of six component points and its category; the item reads the lesion's SINS inputs.

    Source: seed 'Mechanical (spinal stability)', table 2, ref [17] (Fisher 2010).
    """
    location = LOCATION_BY_LEVEL[level]
    points = (  # in the order of SinsComponents
        LOCATION_POINTS[location],
        PAIN_POINTS[pain],
        BONE_LESION_POINTS[bone_lesion],
        ALIGNMENT_POINTS[alignment],
        COLLAPSE_POINTS[collapse],
        POSTEROLATERAL_POINTS[posterolateral],
    )
    total = sum(points)
    category = sins_category(total)
    components = Listing(
        (
            _LEVEL_FACTS[level],
            _PAIN_FACTS[pain],
            _BONE_LESION_FACTS[bone_lesion],
            _ALIGNMENT_FACTS[alignment],
            _COLLAPSE_FACTS[collapse],
            _POSTEROLATERAL_FACTS[posterolateral],
        )
    )
    words = ("SINS ", SINS_TOTALS[total], f" of 18 ({_SINS_MEANING[category]}): ", components, ".")
    item = RationaleItem("sins", "2.1 SINS", words, names.sins, SRC_SINS)
    return SinsResult(SinsComponents(*points), total, category, location), item


def stability_of(
    assessment: StabilityAssessment,
    sins_total: int,
    pain: SinsPain,
    *,
    names: LesionNames,
) -> tuple[Stability, RationaleItem]:
    """Spec 2.4 stability used by the pathway; a surgeon's judgement wins. The item reads the lesion's
    stability assessment and SINS inputs.

    Source: seed 'Mechanical (spinal stability)' and algorithm footnote, refs [17], [18].
    """
    total = SINS_TOTALS[sins_total]
    words: Words
    if assessment == StabilityAssessment.STABLE:
        value = Stability.STABLE
        words = (
            fact("stability_assessment", assessment),
            ": a spine surgeon judged the spine stable, which takes precedence over the SINS (",
            total,
            ") and the pain pattern.",
        )
    elif assessment == StabilityAssessment.UNSTABLE:
        value = Stability.UNSTABLE
        words = (
            fact("stability_assessment", assessment),
            ": a spine surgeon judged the spine unstable, which takes precedence over the SINS (",
            total,
            ").",
        )
    else:
        reasons: list[Words] = []
        if sins_total >= SINS_UNSTABLE_THRESHOLD:
            reasons.append(("SINS ", total, " is 13 or more"))
        if pain == SinsPain.MECHANICAL:
            reasons.append((fact("sins_pain", pain), " (movement pain counts as instability until proven otherwise)"))
        if reasons:
            value = Stability.UNSTABLE
            words = ("Not assessed by a surgeon; unstable because ", *joined(reasons, " and "), ".")
        elif sins_total >= SINS_CONSULTATION_THRESHOLD:
            value = Stability.POTENTIALLY_UNSTABLE
            words = (
                "Not assessed by a surgeon; SINS ",
                total,
                " (7-12) without mechanical pain: potentially unstable. The pathway proceeds as for a stable "
                "spine, with a surgical consultation.",
            )
        else:
            value = Stability.STABLE
            words = ("Not assessed by a surgeon; SINS ", total, " (0-6) and pain not mechanical: stable.")
    return value, RationaleItem("stability", "2.4 Stability", words, names.stability, SRC_STABILITY)
