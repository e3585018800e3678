"""Section 10.6: the initial advice until an assessment is evaluated: mobility (T11), steroids (T12), bladder and
the list ``initial_advice`` (T13)."""

from __future__ import annotations

from typing import Final

from ..codes import Bladder
from ..facts import Words, bare, fact, joined
from ..result import RationaleItem
from .codes import (
    Advice,
    CancerStatus,
    NeuroFinding,
    PainFeature,
    PatientLocation,
    ReferralMobility,
    TriageRule,
    Window,
)
from .codes import ReferralSteroids as S
from .derived import Derived
from .inputs import ReferralInput
from .texts import (
    ADVICE_TEXTS,
    SRC_ADVICE,
    SRC_BLADDER,
    SRC_MOBILITY_AS_TOLERATED,
    SRC_MOBILITY_CONSIDER,
    SRC_MOBILITY_EXCLUDED,
    SRC_MOBILITY_IMMOBILISE,
    SRC_MOBILITY_NONE,
    SRC_STEROIDS_AFTER_CALL,
    SRC_STEROIDS_ASSESSMENT,
    SRC_STEROIDS_CONSIDER,
    SRC_STEROIDS_CONTINUE,
    SRC_STEROIDS_CONTRAINDICATION,
    SRC_STEROIDS_HAEMATOLOGICAL,
    SRC_STEROIDS_HIGH,
    SRC_STEROIDS_NONE,
    SRC_STEROIDS_NOT_ROUTINE,
    SRC_STEROIDS_SENIOR,
    SRC_STEROIDS_STOP,
)

EMERGENCY_RULES: Final = frozenset({TriageRule.T2, TriageRule.T3})
IMMOBILISE: Final = frozenset({ReferralMobility.BRACE_OR_BED_REST, ReferralMobility.CONSIDER_BRACE_OR_BED_REST})
HIGH_DOSE_ADVICE: Final = frozenset({S.HIGH_DOSE, S.HIGH_DOSE_AFTER_COORDINATOR_CALL, S.CONTINUE_HIGH_DOSE})
_OVERRIDDEN_BY_CONTRAINDICATION: Final = HIGH_DOSE_ADVICE | {S.ONLY_AFTER_SENIOR_REVIEW, S.CONSIDER}
_CANCER: Final = frozenset({CancerStatus.CURRENT, CancerStatus.PAST, CancerStatus.SUSPECTED})
_ADMITTED_ELSEWHERE: Final = frozenset({PatientLocation.INPATIENT, PatientLocation.OTHER_HOSPITAL})
_TRIAGE_INPUTS: Final = ("neuro_findings", "neuro_history", "cancer_status", "pain_features")
_REPORT_INPUTS: Final = (
    "imaging_status",
    "imaging_scope",
    "imaging_modality",
    "mri_contraindicated",
    "imaging_finding",
)


def mobility_rule(
    referral: ReferralInput, rule: TriageRule, derived: Derived
) -> tuple[ReferralMobility | None, RationaleItem]:
    """T11, first match: none once MSCC is excluded; immobilise under T2/T3 when instability is suggested.

    Sources: NICE via the BMJ 2023 summary (immobilise), NICE's movement pain (consider), seed 'Pain
    management and role of immobilization' (as tolerated).
    """
    inputs = (*_TRIAGE_INPUTS, "deficit_progressing", "ambulatory_status", *_REPORT_INPUTS)
    mechanical = PainFeature.MECHANICAL in (referral.pain_features or ())
    value: ReferralMobility | None
    words: Words
    if derived.mscc_excluded:
        value, source = None, SRC_MOBILITY_EXCLUDED
        words = ("A whole-spine scan excluded MSCC: no mobility advice from triage.",)
    elif rule in EMERGENCY_RULES and derived.instability_suggested:
        value, source = ReferralMobility.BRACE_OR_BED_REST, SRC_MOBILITY_IMMOBILISE
        words = (
            "Neurological findings with mechanical pain, progression or loss of walking suggest instability: "
            "immobilise until an expert has judged stability.",
        )
    elif rule in EMERGENCY_RULES:
        value, source = ReferralMobility.CONSIDER_BRACE_OR_BED_REST, SRC_MOBILITY_CONSIDER
        words = ("Neurological findings without a sign of instability: decide on the call whether to immobilise.",)
    elif rule == TriageRule.T5 and mechanical:
        value, source = ReferralMobility.CONSIDER_BRACE_OR_BED_REST, SRC_MOBILITY_CONSIDER
        words = (fact("pain_features", PainFeature.MECHANICAL), ": decide on the call whether to immobilise.")
    elif rule == TriageRule.T5 or (rule == TriageRule.T7 and derived.any_pain):
        value, source = ReferralMobility.AS_TOLERATED, SRC_MOBILITY_AS_TOLERATED
        words = ("Pain without a sign of instability: no bed rest; move as pain allows.",)
    else:
        value, source = None, SRC_MOBILITY_NONE
        words = ("No mobility advice under this triage.",)
    return value, RationaleItem("mobility", "T11", words, inputs, source)


def _base_steroids(referral: ReferralInput, rule: TriageRule, derived: Derived) -> tuple[S | None, Words, str]:
    """T12 rules 1-7, first match."""
    emergency = rule in EMERGENCY_RULES
    if derived.mscc_excluded:
        if referral.dexamethasone_given_at is not None:
            return (
                S.STOP,
                ("A whole-spine scan excluded spinal metastases: stop the dexamethasone.",),
                SRC_STEROIDS_STOP,
            )
        return None, ("A whole-spine scan excluded spinal metastases: no steroids.",), SRC_STEROIDS_STOP
    if derived.metastases_reported and derived.haematological:
        words: Words = ("Spinal metastases reported with ", fact("cancer_type", str(referral.cancer_type)), ".")
        return S.HIGH_DOSE, words, SRC_STEROIDS_HAEMATOLOGICAL
    if derived.metastases_reported and not (derived.mscc_reported and emergency):
        return (
            S.SET_BY_ASSESSMENT,
            ("Spinal metastases reported: the assessment sets steroids.",),
            SRC_STEROIDS_ASSESSMENT,
        )
    if rule == TriageRule.T2 or (rule == TriageRule.T3 and derived.mscc_reported):
        return S.HIGH_DOSE, ("Suspected or reported MSCC: high-dose dexamethasone.",), SRC_STEROIDS_HIGH
    if rule == TriageRule.T3:
        words = ("Cord compression without a known cancer: steroids only after a senior has reviewed.",)
        return S.ONLY_AFTER_SENIOR_REVIEW, words, SRC_STEROIDS_SENIOR
    if rule == TriageRule.T5:
        if derived.haematological or PainFeature.SEVERE_UNREMITTING in (referral.pain_features or ()):
            words = ("Lymphoma or myeloma, or severe unremitting pain: consider dexamethasone.",)
            return S.CONSIDER, words, SRC_STEROIDS_CONSIDER
        words = ("Pain without neurological findings: no routine corticosteroids.",)
        return S.NOT_ROUTINE, words, SRC_STEROIDS_NOT_ROUTINE
    return None, ("No steroid advice under this triage.",), SRC_STEROIDS_NONE


def steroids_rule(
    referral: ReferralInput, rule: TriageRule, derived: Derived, window: Window | None
) -> tuple[S | None, RationaleItem]:
    """T12: the first matching rule, then the modifiers a-c in order; never a second loading dose, never
    over a recorded contraindication.

    Sources: NG234 1.8.1-1.8.7 and seed [28], [30]; the senior review, the call and the contraindication are local.
    """
    value, words, source = _base_steroids(referral, rule, derived)
    if value == S.HIGH_DOSE and derived.no_tissue_diagnosis and window != Window.IMMEDIATELY:
        value, source = S.HIGH_DOSE_AFTER_COORDINATOR_CALL, SRC_STEROIDS_AFTER_CALL
        words = (*words, " No tissue diagnosis: agree on the call whether a biopsy comes first.")
    if value in (S.HIGH_DOSE, S.HIGH_DOSE_AFTER_COORDINATOR_CALL) and referral.dexamethasone_given_at is not None:
        value, source = S.CONTINUE_HIGH_DOSE, SRC_STEROIDS_CONTINUE
        words = (*words, " Already started: continue, with no second loading dose.")
    if value in _OVERRIDDEN_BY_CONTRAINDICATION and referral.steroid_contraindication:
        value, source = S.CONTRAINDICATION_DISCUSS, SRC_STEROIDS_CONTRAINDICATION
        words = (*words, " ", fact("steroid_contraindication", True), ": discuss before any dexamethasone.")
    inputs = (
        *_TRIAGE_INPUTS,
        "cancer_type",
        *_REPORT_INPUTS,
        "deficit_progressing",
        "ambulatory_status",
        "walking_lost_at",
        "dexamethasone_given_at",
        "steroid_contraindication",
    )
    return value, RationaleItem("steroids", "T12", words, inputs, source)


def bladder_rule(referral: ReferralInput) -> tuple[Bladder | None, RationaleItem]:
    """T13 bladder (section 5's rule on the referral's findings): catheterise confirmed retention, else scan.

    Source: section 5; seed 'Urinary retention and constipation'.
    """
    inputs = ("urinary_retention_confirmed", "neuro_findings")
    findings = referral.neuro_findings
    words: Words
    if referral.urinary_retention_confirmed:
        value: Bladder | None = Bladder.CATHETERIZE
        words = (fact("urinary_retention_confirmed", True), ": catheterise.")
    elif NeuroFinding.BLADDER_DYSFUNCTION in findings or NeuroFinding.PERINEAL_NUMBNESS in findings:
        value = Bladder.BLADDER_SCAN
        words = ("Bladder symptoms or saddle numbness: a post-void bladder scan.",)
    else:
        value = None
        words = ("No bladder finding.",)
    return value, RationaleItem("bladder", "T13", words, inputs, SRC_BLADDER)


def advice_rule(
    referral: ReferralInput,
    rule: TriageRule,
    derived: Derived,
    *,
    mobility: ReferralMobility | None,
    steroids: S | None,
    imaging_open: bool,
) -> tuple[tuple[Advice, ...], RationaleItem]:
    """T13 ``initial_advice``: each advice whose condition holds, in the order of its table.

    Sources: each advice's own (``texts.ADVICE_TEXTS``): NICE via the BMJ 2023 summary, NG234, NG89, CG75, local.
    """
    emergency = rule in EMERGENCY_RULES
    excluded = derived.mscc_excluded
    conditions = {
        Advice.ADMIT_VIA_EMERGENCY_DEPARTMENT: referral.patient_location == PatientLocation.COMMUNITY
        and not excluded
        and (emergency or derived.mscc_reported),
        Advice.EXPERT_STABILITY_ADVICE_WITHIN_24H: mobility in IMMOBILISE,
        Advice.GASTROPROTECTION_AND_GLUCOSE_MONITORING: steroids in HIGH_DOSE_ADVICE,
        Advice.DISCUSS_WITH_HAEMATOLOGY_MDT: derived.haematological and steroids not in (None, S.STOP),
        Advice.PROMPT_ANALGESIA_PAIN_ASSESSMENT: derived.any_pain,
        Advice.VTE_BLEEDING_RISK_ASSESSMENT: not excluded
        and (emergency or (rule == TriageRule.T5 and referral.patient_location in _ADMITTED_ELSEWHERE)),
        Advice.NO_PLAIN_XRAY: imaging_open,
        Advice.SAFETY_NET_NEURO_SYMPTOMS: rule in (TriageRule.T4, TriageRule.T5, TriageRule.T6)
        or (rule == TriageRule.T7 and derived.any_pain),
        Advice.CLINICAL_REVIEW_IF_PAIN_CHANGES: rule == TriageRule.T7
        and derived.any_pain
        and referral.cancer_status in _CANCER,
    }
    given = tuple(code for code in Advice if conditions[code])
    words: Words = ("Initial advice: ", *(_listed(given) or ("none",)), ".")
    inputs = (
        "patient_location",
        *_TRIAGE_INPUTS,
        "cancer_type",
        *_REPORT_INPUTS,
        "deficit_progressing",
        "ambulatory_status",
        "dexamethasone_given_at",
        "steroid_contraindication",
    )
    sources = "; ".join(dict.fromkeys(ADVICE_TEXTS[code].source for code in given)) or SRC_ADVICE
    return given, RationaleItem("initial_advice", "T13", words, inputs, sources)


def _listed(codes: tuple[Advice, ...]) -> Words:
    return joined([(bare("initial_advice", code),) for code in codes], ", ")
