"""The words of section 10 in one place: what each advice, alert and escalation says, and every source.

Each source carries the spec's marker of how well it is verified (10.14), spelled in brackets:
[P] read on NICE's own pages; [N] the NICE committee's summary (BMJ 2023, seed [18]) or NICE-licensed
material; [S] one secondary source; [S2] two secondary sources that agree; [L] a local choice of this
rule set. The rules write their reasons beside their conditions (as words and facts); the texts here
are what the app shows for each code.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from ..texts import Note
from .codes import Advice, Escalation, ReferralAlert, ReferralMobility, ReferralSteroids, TimerBasis

VERIFICATION: Final[Mapping[str, str]] = MappingProxyType(
    {
        "P": "Primary: read on NICE's own pages.",
        "N": "Read in the NICE committee's own summary (BMJ 2023;383:p1973, seed [18]) or NICE-licensed material.",
        "S": "Secondary: a third party gives this NG234 content; not yet checked against NICE's text.",
        "S2": "Secondary, with two independent secondary sources that agree.",
        "L": "Local: a choice of this rule set, signed off by the network's MSCC lead.",
    }
)

# --------------------------------------------------------------------------------------------
# Sources of the rules (10.3-10.10)
# --------------------------------------------------------------------------------------------

SRC_T2: Final = (
    "NICE: cancer with neurological symptoms or signs of cord compression is an emergency (BMJ 2023 summary, "
    "seed [18]) [N]; suspected or unknown cancer, or a history that cannot be taken, counts as cancer [L]"
)
SRC_T3: Final = (
    "Outside NG234, whose scope excludes compression that is not malignant; an emergency whatever the cause [L]; "
    "seed 'Patients with unknown or synchronous primary'"
)
SRC_T4: Final = "Section 10.3 T4: missing information never gives a lower category [L]"
SRC_T5: Final = "NICE NG234 pain features [S]; CG75 [P]"
SRC_T6: Final = "Section 10.3 T6: no cancer known or suspected, so not an MSCC referral [L]"
SRC_T7: Final = "Section 10.3 T7: none of T2-T6 applies [L]"
SRC_WINDOW_IMMEDIATELY: Final = (
    "NICE ties out-of-hours MRI to a diagnosis that would allow immediate treatment [S]; the conditions and the "
    "4-hour target are local [L]; seed [104] (treatment within 12 h of losing walking)"
)
SRC_WINDOW_24_HOURS: Final = "NICE NG234 1.5.2 [S2]; QS56 statement 3 [N]"
SRC_WINDOW_24_HOURS_NO_CANCER: Final = "Local: the 24-hour window of suspected MSCC applied outside NG234 [L]"
SRC_WINDOW_1_WEEK: Final = "QS56 statement 2 [N]"
SRC_WINDOW_NONE: Final = "Section 10.4 T8: no imaging window outside T2, T3 and T5"
SRC_IMAGING: Final = "NICE NG234 1.5.5, whole spine [S]; CT only when MRI is contraindicated [S]"
SRC_CONTACT_T2: Final = "NICE: contact the MSCC coordinator immediately (BMJ 2023 summary, seed [18]) [N]"
SRC_CONTACT_FRONT_DOOR: Final = "The coordinator is the single front door [L]"
SRC_CONTACT_24_HOURS: Final = "NICE: seek the coordinator's advice within 24 hours [S]; CG75 [P]"
SRC_CONTACT_NONE: Final = "Section 10.5: not an MSCC referral"
SRC_MOBILITY_EXCLUDED: Final = "Section 10.6 T11: MSCC excluded by a whole-spine scan"
SRC_MOBILITY_IMMOBILISE: Final = (
    "NICE: immobilise when neurological symptoms or signs suggest instability (BMJ 2023 summary, seed [18]) [N] [L]; "
    "seed 'Mechanical (spinal stability)'"
)
SRC_MOBILITY_CONSIDER: Final = "NICE: consider immobilisation for moderate or severe movement pain [S]; [L]"
SRC_MOBILITY_AS_TOLERATED: Final = "Seed 'Pain management and role of immobilization'"
SRC_MOBILITY_NONE: Final = "Section 10.6 T11: no mobility advice outside the MSCC pathway"
SRC_STEROIDS_STOP: Final = "NICE NG234 1.8.2 [S]"
SRC_STEROIDS_HAEMATOLOGICAL: Final = "NICE NG234 1.8.5 [S]"
SRC_STEROIDS_ASSESSMENT: Final = "Section 5: the assessment sets steroids from the lesions"
SRC_STEROIDS_HIGH: Final = "NICE NG234 1.8.1 [S2]; seed 'Glucocorticoids', ref [28]"
SRC_STEROIDS_SENIOR: Final = "Local: no steroids without a cancer diagnosis until a senior has reviewed [L]"
SRC_STEROIDS_CONSIDER: Final = "NICE NG234 1.8.3 [S]"
SRC_STEROIDS_NOT_ROUTINE: Final = "NICE NG234 1.8.7 [S]; seed [30]; section 5"
SRC_STEROIDS_NONE: Final = "Section 10.6 T12: no steroid advice outside the MSCC pathway"
SRC_STEROIDS_AFTER_CALL: Final = "NICE NG234 1.8.1 [S2]; section 7 biopsy_before_steroids; [L]"
SRC_STEROIDS_CONTINUE: Final = "Seed 'Glucocorticoids', ref [28]: no second loading dose"
SRC_STEROIDS_CONTRAINDICATION: Final = "Local: the rules never override a recorded contraindication [L]"
SRC_BLADDER: Final = "Section 5 bladder rule; seed 'Urinary retention and constipation'"
SRC_ADVICE: Final = "Section 10.6 T13: each advice's own source (below)"
SRC_ESCALATION_NONE: Final = "Section 10.7: MSCC excluded, or not suspected"
SRC_ESCALATION_NOW: Final = "NICE: the coordinator involves the senior clinical advisers (BMJ 2023 summary) [N]; [L]"
SRC_ESCALATION_SPINAL_TEAM: Final = "Local: cord compression without known cancer goes to the spinal team [L]"
SRC_ESCALATION_ON_REPORT: Final = "QS56 statement 3, 2014 wording (senior clinical advisers) [P]"
SRC_ESCALATION_COMPLETE: Final = "Local: the coordinator completes a referral that lacks findings [L]"
SRC_ESCALATION_REVIEW: Final = "QS56 statement 2 [N]: the coordinator follows the scan result [L]"
SRC_ESCALATION_CANCER_ROUTE: Final = "Local: not an MSCC referral; the urgent suspected-cancer route [L]"
SRC_NEXT_STEP: Final = "Section 10.8 T15"
SRC_PREFILL: Final = "Section 10.8: the prefill of an assessment case, each value confirmed by the clinician"
SRC_TIMER_LOCAL: Final = "Section 10.10: a local target [L], a site setting"
SRC_TIMER_QS56_2: Final = "QS56 statement 2 [N]: imaging and a treatment plan within 1 week"
SRC_TIMER_QS56_3: Final = "QS56 statement 3 [N]; NICE NG234 1.5.2 [S2]: imaging within 24 hours"
SRC_TIMER_QS56_6: Final = "QS56 statement 6 [P]: radiotherapy within 24 hours of the decision"
SRC_TIMER_PENDING: Final = "Section 10.10: the basis follows the decision type once the decision is signed"
SRC_TIMER_CARRIED: Final = "Section 10.10, carried deadlines: a re-triage never loosens a deadline"

TIMER_SOURCES: Final[Mapping[TimerBasis, str]] = MappingProxyType(
    {
        TimerBasis.LOCAL: SRC_TIMER_LOCAL,
        TimerBasis.QS56_2: SRC_TIMER_QS56_2,
        TimerBasis.QS56_3: SRC_TIMER_QS56_3,
        TimerBasis.QS56_6: SRC_TIMER_QS56_6,
        TimerBasis.PENDING_DECISION: SRC_TIMER_PENDING,
        TimerBasis.CARRIED: SRC_TIMER_CARRIED,
    }
)

# --------------------------------------------------------------------------------------------
# What the app shows for each code (10.6 "Texts", 10.7, 10.9), in our own words
# --------------------------------------------------------------------------------------------

MOBILITY_TEXTS: Final[Mapping[ReferralMobility, Note]] = MappingProxyType(
    {
        ReferralMobility.BRACE_OR_BED_REST: Note(
            "Keep the spine still until an expert has judged its stability: lie on the back, flat or slightly "
            "raised, spine in line; log-roll for care and transfers, and use a brace only if one is already fitted. "
            "Change position if pain or breathlessness makes it intolerable.",
            "NICE (BMJ 2023 summary, seed [18]) [N], positioning [S]; seed 'Mechanical (spinal stability)'",
        ),
        ReferralMobility.CONSIDER_BRACE_OR_BED_REST: Note(
            "Decide on the call whether to immobilise; when in doubt, immobilise for the transfer.",
            SRC_MOBILITY_CONSIDER,
        ),
        ReferralMobility.AS_TOLERATED: Note(
            "No bed rest is needed: the patient moves as the pain allows.", SRC_MOBILITY_AS_TOLERATED
        ),
    }
)

STEROID_TEXTS: Final[Mapping[ReferralSteroids, Note]] = MappingProxyType(
    {
        ReferralSteroids.HIGH_DOSE: Note(
            "Give dexamethasone now, on the section 5 regimen: the first dose 10 mg intravenously, or 16 mg by mouth "
            "where an intravenous dose would be late; then 16 mg a day by mouth in divided doses until definitive "
            "treatment. Record when the first dose was given.",
            "Seed [28]; NICE NG234 1.8.1 [S2]",
        ),
        ReferralSteroids.HIGH_DOSE_AFTER_COORDINATOR_CALL: Note(
            "There is no tissue diagnosis yet. On the immediate call, agree with the coordinator whether a biopsy "
            "can come first, then start the high-dose regimen; do not wait beyond the call.",
            SRC_STEROIDS_AFTER_CALL,
        ),
        ReferralSteroids.CONTINUE_HIGH_DOSE: Note(
            "Started at TIME: continue 16 mg a day in divided doses; no further loading dose.", "Seed [28]"
        ),
        ReferralSteroids.ONLY_AFTER_SENIOR_REVIEW: Note(
            "Do not start dexamethasone until the on-call spinal or oncology senior has reviewed the patient, now, "
            "by phone if need be. Without a cancer diagnosis the cause may be infection, a disc, a bleed or lymphoma.",
            "[L]",
        ),
        ReferralSteroids.CONSIDER: Note(
            "Consider dexamethasone for severe pain, and decide with the coordinator; for lymphoma or myeloma only "
            "after talking to haematology. If it has already been started, the coordinator decides whether it goes on.",
            SRC_STEROIDS_CONSIDER,
        ),
        ReferralSteroids.NOT_ROUTINE: Note(
            "No routine corticosteroids without neurological symptoms or signs; treat the pain. If they have already "
            "been started, the coordinator decides whether to stop them.",
            SRC_STEROIDS_NOT_ROUTINE,
        ),
        ReferralSteroids.CONTRAINDICATION_DISCUSS: Note(
            "A reason not to give corticosteroids is recorded: no dexamethasone until the coordinator and the "
            "on-call oncologist have decided.",
            "[L]",
        ),
        ReferralSteroids.SET_BY_ASSESSMENT: Note(
            "The scan shows spinal metastases, and the assessment sets the steroids (section 5). Dexamethasone "
            "already started goes on at 16 mg a day until then, with no further loading dose.",
            "Section 5",
        ),
        ReferralSteroids.STOP: Note(
            "The whole-spine scan has excluded spinal metastases: stop the dexamethasone started for suspected MSCC; "
            "the prescriber decides whether it needs tapering.",
            SRC_STEROIDS_STOP,
        ),
    }
)

BLADDER_TEXTS: Final = MappingProxyType(
    {
        "catheterize": Note("Retention is confirmed: catheterise.", "Section 5"),
        "bladder_scan": Note("Bladder symptoms or saddle numbness: do a post-void bladder scan.", "Section 5"),
    }
)

ADVICE_TEXTS: Final[Mapping[Advice, Note]] = MappingProxyType(
    {
        Advice.ADMIT_VIA_EMERGENCY_DEPARTMENT: Note(
            "Admit as an emergency, so that imaging and a decision happen within their time limits. Transfer lying "
            "flat when the spine is to be immobilised.",
            "Local pathway practice [L]",
        ),
        Advice.EXPERT_STABILITY_ADVICE_WITHIN_24H: Note(
            "Get a spinal surgeon's view on stability within 24 hours, so that immobilisation lasts no longer than "
            "it must.",
            "NICE (BMJ 2023 summary, seed [18]) [N]",
        ),
        Advice.GASTROPROTECTION_AND_GLUCOSE_MONITORING: Note(
            "Give gastric protection while on dexamethasone and check the blood glucose daily; for a diabetic "
            "patient, agree a glucose plan the same day.",
            "Local pathways [L]",
        ),
        Advice.DISCUSS_WITH_HAEMATOLOGY_MDT: Note(
            "Lymphoma or myeloma: plan any further steroids with the haematology team.", "NICE NG234 1.8.5 [S]"
        ),
        Advice.PROMPT_ANALGESIA_PAIN_ASSESSMENT: Note(
            "Give enough pain relief now, with an individual pain assessment.",
            "NICE (BMJ 2023 summary, seed [18]) [N]",
        ),
        Advice.VTE_BLEEDING_RISK_ASSESSMENT: Note(
            "On admission, assess the risks of VTE and of bleeding; prophylaxis, if used, starts within 14 hours of "
            "admission, and the assessment case says which (section 5).",
            "NICE NG89 1.1.2, 1.1.4 [P]",
        ),
        Advice.NO_PLAIN_XRAY: Note("Plain X-rays neither diagnose nor exclude spinal metastases or MSCC.", "NICE [S]"),
        Advice.SAFETY_NET_NEURO_SYMPTOMS: Note(
            "Tell the patient to seek help at once for weakness, numbness, difficulty walking, or a change in "
            "bladder or bowel control.",
            "[L]",
        ),
        Advice.CLINICAL_REVIEW_IF_PAIN_CHANGES: Note(
            "Review the pain again, and refer again if it becomes progressive, severe or nocturnal, or changes in "
            "character.",
            "CG75 [P]; [L]",
        ),
    }
)

ESCALATION_TEXTS: Final[Mapping[Escalation, Note]] = MappingProxyType(
    {
        Escalation.NONE: Note("No escalation: the next step says where the patient goes.", SRC_ESCALATION_NONE),
        Escalation.SPINAL_SURGEON_AND_CLINICAL_ONCOLOGIST_NOW: Note(
            "The coordinator calls the on-call spinal surgeon and the clinical oncologist now, in parallel.",
            SRC_ESCALATION_NOW,
        ),
        Escalation.EMERGENCY_SPINAL_TEAM_NOW: Note(
            "The on-call spinal team assesses the patient now; oncology joins if the scan suggests a tumour.",
            SRC_ESCALATION_SPINAL_TEAM,
        ),
        Escalation.SENIOR_CLINICAL_ADVISERS_ON_REPORT: Note(
            "The coordinator involves the senior clinical advisers (spinal surgeon, clinical oncologist) as soon "
            "as the scan is reported.",
            SRC_ESCALATION_ON_REPORT,
        ),
        Escalation.COORDINATOR_COMPLETES_REFERRAL: Note(
            "The coordinator calls the referrer back for the missing findings and records a new version; a "
            "neurological history that cannot be taken is recorded as not obtainable.",
            SRC_ESCALATION_COMPLETE,
        ),
        Escalation.COORDINATOR_REVIEW: Note(
            "The coordinator follows the scan result; there is no on-call escalation.", SRC_ESCALATION_REVIEW
        ),
        Escalation.CONSIDER_SUSPECTED_CANCER_REFERRAL: Note(
            "Not an MSCC referral. If cancer is suspected, use the urgent suspected-cancer route, or refer again "
            "with the cancer recorded as suspected.",
            SRC_ESCALATION_CANCER_ROUTE,
        ),
    }
)

ALERT_TEXTS: Final[Mapping[ReferralAlert, Note]] = MappingProxyType(
    {
        ReferralAlert.TIME_CRITICAL: Note(
            "Walking was lost 48 hours ago or less (or when is not known): outcomes are best when treatment starts "
            "within 12 hours of losing the ability to walk.",
            "Seed 'Neurologic function', ref [104] (Zaidat 2002)",
        ),
        ReferralAlert.NONAMBULATORY_OVER_48H: Note(
            "Walking was lost more than 48 hours ago: walking is less likely to come back. The imaging window does "
            "not relax; it was fixed at the suspicion.",
            "Seed ref [46] (Patchell 2005); section 10.2",
        ),
        ReferralAlert.BIOPSY_BEFORE_STEROIDS: Note(
            "No tissue diagnosis: steroids can make a lymphoma biopsy non-diagnostic. Take the biopsy first when "
            "the neurological state allows.",
            "Seed 'Glucocorticoids', refs [31,32]; section 7",
        ),
        ReferralAlert.WHOLE_SPINE_IMAGING_NEEDED: Note(
            "The scan covers only part of the spine, or is CT where MRI is possible. A whole-spine MRI is still "
            "needed (CT where MRI is contraindicated).",
            "NICE NG234 1.5.5 [S]",
        ),
        ReferralAlert.BOOKED_IMAGING_AFTER_DEADLINE: Note(
            "The scan is booked for after the imaging deadline: bring it forward, or arrange it elsewhere.",
            "Section 10.10 [L]",
        ),
        ReferralAlert.EXAMINATION_NOT_DONE: Note(
            "No neurological examination was done: signs were not assessed, and the triage rests on symptoms alone.",
            "Section 10.9 [L]",
        ),
        ReferralAlert.CANCER_TYPE_NOT_RECORDED: Note(
            "Find out the cancer type on the call: lymphoma and myeloma change the steroid advice, and the "
            "histology cannot be prefilled.",
            "Section 10.9 [L]",
        ),
    }
)
