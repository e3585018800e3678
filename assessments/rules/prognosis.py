"""Spec 8.2 prognosis scores: revised Tokuhashi, Tomita and modified Bauer.

Information beside the clinician's own estimate, never an input to the pathway. A score is computed
only when every input it needs is recorded; otherwise it lists the missing field names (sorted). Each
score's rationale names every item with its points.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from .codes import FrankelGrade, Histology, PrimaryGrowth, ScoreBand, ScoreName, VisceralMetastases
from .facts import Fact, Form, Listing, bare
from .facts import item as item_points
from .facts import missing as missing_input
from .inputs import GROWTH_BY_SITE, CaseInput
from .result import RationaleItem, ScoreResult
from .texts import SRC_BAUER, SRC_TOKUHASHI, SRC_TOMITA

_RULE: Final = "8.2 Prognosis scores"

TOKUHASHI_SITE_POINTS: Final[Mapping[str, int]] = MappingProxyType(
    {
        **dict.fromkeys(("lung", "osteosarcoma", "stomach", "bladder", "esophagus", "pancreas"), 0),
        **dict.fromkeys(("liver", "gallbladder", "unidentified"), 1),
        **dict.fromkeys(("kidney", "uterus"), 3),
        "rectum": 4,
        **dict.fromkeys(("thyroid", "breast", "prostate", "carcinoid"), 5),
    }
)
TOKUHASHI_OTHERS_POINTS: Final = 2  # "others": every site not listed
VISCERAL_TOKUHASHI: Final = MappingProxyType(
    {VisceralMetastases.UNTREATABLE: 0, VisceralMetastases.TREATABLE: 1, VisceralMetastases.NONE: 2}
)
FRANKEL_POINTS: Final = MappingProxyType(
    {FrankelGrade.A: 0, FrankelGrade.B: 0, FrankelGrade.C: 1, FrankelGrade.D: 1, FrankelGrade.E: 2}
)
GROWTH_POINTS: Final = MappingProxyType({PrimaryGrowth.SLOW: 1, PrimaryGrowth.MODERATE: 2, PrimaryGrowth.RAPID: 4})
VISCERAL_TOMITA: Final = MappingProxyType(
    {VisceralMetastases.NONE: 0, VisceralMetastases.TREATABLE: 2, VisceralMetastases.UNTREATABLE: 4}
)
BAUER_FAVOURABLE: Final = frozenset({Histology.BREAST, Histology.RENAL_CELL, Histology.LYMPHOMA, Histology.MYELOMA})
LUNG: Final = frozenset({Histology.SMALL_CELL_LUNG, Histology.NON_SMALL_CELL_LUNG})


def _by_count(count: int, *, zero_points: int, one_points: int) -> int:
    """Points for a count where fewer is better: the spec's 3-step items."""
    return zero_points if count == 0 else one_points if count <= 2 else 0


def _karnofsky_points(karnofsky: int) -> int:
    return 2 if karnofsky >= 80 else 1 if karnofsky >= 50 else 0


def _vertebral_points(count: int) -> int:
    return 2 if count == 1 else 1 if count == 2 else 0


def _missing(name: ScoreName, maximum: int, missing: list[str], source: str) -> tuple[ScoreResult, RationaleItem]:
    fields = tuple(sorted(missing))
    words = (
        bare("score", name),
        " not computed: not recorded: ",
        Listing(tuple(missing_input(field) for field in fields)),
        ". No score is computed from a missing input.",
    )
    item = RationaleItem(f"prognosis:{name}", _RULE, words, fields, source)
    return ScoreResult(name=name, maximum=maximum, missing=fields), item


def _computed(
    name: ScoreName,
    maximum: int,
    score: int,
    band: ScoreBand,
    items: tuple[tuple[str, int], ...],
    inputs: tuple[str, ...],
    source: str,
) -> tuple[ScoreResult, RationaleItem]:
    words = (
        bare("score", name),
        " ",
        bare("score_total", score),
        f" of {maximum} (",
        Fact("band", band, form=Form.BAND),
        "): ",
        Listing(tuple(item_points(name, points) for name, points in items)),
        ".",
    )
    item = RationaleItem(f"prognosis:{name}", _RULE, words, inputs, source)
    return ScoreResult(name, maximum, score, band, items), item


def tokuhashi_revised(case: CaseInput) -> tuple[ScoreResult, RationaleItem]:
    """Revised Tokuhashi score, 0-15 (Tokuhashi 2005, Spine 30:2186).

    Bands: 0-8 lt_6_months, 9-11 gte_6_months, 12-15 gte_12_months.
    """
    site = case.primary_site_resolved
    needs_site = case.histology in (Histology.GASTROINTESTINAL, Histology.SARCOMA, Histology.OTHER)
    fields = ["karnofsky", "extraspinal_bone_metastases", "vertebral_metastases", "visceral_metastases"]
    fields += ["frankel_grade"]
    missing = [field for field in fields if getattr(case, field) is None]
    if site is None:
        missing.append("primary_site")
    if missing:
        return _missing(ScoreName.TOKUHASHI_REVISED, 15, missing, SRC_TOKUHASHI)
    assert case.karnofsky is not None and case.extraspinal_bone_metastases is not None
    assert case.vertebral_metastases is not None and case.visceral_metastases is not None
    assert case.frankel_grade is not None and site is not None
    items = (
        ("karnofsky", _karnofsky_points(case.karnofsky)),
        ("extraspinal_bone_metastases", _by_count(case.extraspinal_bone_metastases, zero_points=2, one_points=1)),
        ("vertebral_metastases", _vertebral_points(case.vertebral_metastases)),
        ("visceral_metastases", VISCERAL_TOKUHASHI[case.visceral_metastases]),
        ("primary_site", TOKUHASHI_SITE_POINTS.get(site, TOKUHASHI_OTHERS_POINTS)),
        ("frankel_grade", FRANKEL_POINTS[case.frankel_grade]),
    )
    score = sum(points for _, points in items)
    band = ScoreBand.LT_6_MONTHS if score <= 8 else ScoreBand.GTE_6_MONTHS if score <= 11 else ScoreBand.GTE_12_MONTHS
    inputs = (*fields, "histology", *(("primary_site",) if needs_site else ()))
    return _computed(ScoreName.TOKUHASHI_REVISED, 15, score, band, items, inputs, SRC_TOKUHASHI)


def tomita(case: CaseInput) -> tuple[ScoreResult, RationaleItem]:
    """Tomita score, 2-10 (Tomita 2001, Spine 26:298); higher is worse.

    Bands: 2-3 tomita_2_3, 4-5 tomita_4_5, 6-7 tomita_6_7, 8-10 tomita_8_10.
    """
    site = case.primary_site_resolved
    missing = []
    growth: PrimaryGrowth | None = None
    if site is None:
        missing.append("primary_site")
    else:
        growth = GROWTH_BY_SITE.get(site, case.primary_growth)
        if growth is None:
            missing.append("primary_growth")
    growth_inputs = (
        "histology",
        *(("primary_site",) if case.histology in _SITE_INPUT else ()),
        *(("primary_growth",) if site not in GROWTH_BY_SITE else ()),
    )
    for field in ("visceral_metastases", "extraspinal_bone_metastases", "vertebral_metastases"):
        if getattr(case, field) is None:
            missing.append(field)
    if missing:
        return _missing(ScoreName.TOMITA, 10, missing, SRC_TOMITA)
    assert growth is not None and case.visceral_metastases is not None
    items = (
        ("primary_growth", GROWTH_POINTS[growth]),
        ("visceral_metastases", VISCERAL_TOMITA[case.visceral_metastases]),
        ("bone_metastases", 1 if _solitary(case) else 2),
    )
    score = sum(points for _, points in items)
    band = (
        ScoreBand.TOMITA_2_3
        if score <= 3
        else ScoreBand.TOMITA_4_5
        if score <= 5
        else ScoreBand.TOMITA_6_7
        if score <= 7
        else ScoreBand.TOMITA_8_10
    )
    inputs = (*growth_inputs, "visceral_metastases", "extraspinal_bone_metastases", "vertebral_metastases")
    return _computed(ScoreName.TOMITA, 10, score, band, items, inputs, SRC_TOMITA)


_SITE_INPUT: Final = frozenset({Histology.GASTROINTESTINAL, Histology.SARCOMA, Histology.OTHER})


def _solitary(case: CaseInput) -> bool:
    """A solitary skeletal metastasis: no bone metastasis outside the spine and one vertebra."""
    return case.extraspinal_bone_metastases == 0 and case.vertebral_metastases == 1


def modified_bauer(case: CaseInput) -> tuple[ScoreResult, RationaleItem]:
    """Modified Bauer score, 0-4 (Leithner 2008, Eur Spine J 17:1488); higher is better.

    Needs a known primary. Bands: 0-1 bauer_0_1, 2 bauer_2, 3-4 bauer_3_4.
    """
    if case.histology == Histology.UNKNOWN_PRIMARY:
        return _missing(ScoreName.MODIFIED_BAUER, 4, ["histology"], SRC_BAUER)
    fields = ("visceral_metastases", "extraspinal_bone_metastases", "vertebral_metastases")
    missing = [field for field in fields if getattr(case, field) is None]
    if missing:
        return _missing(ScoreName.MODIFIED_BAUER, 4, missing, SRC_BAUER)
    items = (
        ("no_visceral_metastases", int(case.visceral_metastases == VisceralMetastases.NONE)),
        ("primary_not_lung", int(case.histology not in LUNG)),
        ("primary_breast_kidney_lymphoma_myeloma", int(case.histology in BAUER_FAVOURABLE)),
        ("solitary_skeletal_metastasis", int(_solitary(case))),
    )
    score = sum(points for _, points in items)
    band = ScoreBand.BAUER_0_1 if score <= 1 else ScoreBand.BAUER_2 if score == 2 else ScoreBand.BAUER_3_4
    return _computed(ScoreName.MODIFIED_BAUER, 4, score, band, items, ("histology", *fields), SRC_BAUER)


def prognosis_scores(case: CaseInput) -> tuple[tuple[ScoreResult, ...], tuple[RationaleItem, ...]]:
    """The three scores of spec 8.2 in the order of the spec, with one rationale item each."""
    results = (tokuhashi_revised(case), tomita(case), modified_bauer(case))
    return tuple(score for score, _ in results), tuple(item for _, item in results)
