"""Alert texts, information notes and the sources of every reason (own words; sources cite the clinical review by
its authors, title and year, then its sections and reference numbers).

Texts live apart from the logic so a safety officer can read them in one file; each rule writes its reason as words
and facts (``facts.py``) beside the condition it explains."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, NamedTuple

from .codes import Alert, CebrtRegimen

# The clinical review the rule set comes from (docs/clinical-rules.md, "Source"), as every source cites it:
# authors, year and title, then its sections; "ref [17]" is the review's reference 17, named by its
# first author and year.
REVIEW: Final = (
    "Laufer, Bilsky, Schiff, Brown 2023, Treatment and prognosis of neoplastic epidural spinal cord compression"
)


class Note(NamedTuple):
    """A piece of information text and its source."""

    text: str
    source: str


# --------------------------------------------------------------------------------------------
# Information texts (own words; sources cite the review, its sections and reference numbers)
# --------------------------------------------------------------------------------------------

ALERT_TEXTS: Final[Mapping[Alert, Note]] = MappingProxyType(
    {
        Alert.SURGICAL_CONSULTATION: Note(
            "SINS of 7 or more, or an unstable spine: the lesion may be, or may become, "
            "mechanically unstable. Ask a spine surgeon to review the case if one has not "
            "already done so.",
            REVIEW + ": 'Mechanical (spinal stability)' and table 2, ref [17] (Fisher 2010, SINS); "
            "ref [19] (Fourney 2011, SINS reliability)",
        ),
        Alert.MOVEMENT_PAIN_INSTABILITY: Note(
            "Pain on movement or on loading the spine, or pain eased by lying down, is taken as "
            "instability until a spine surgeon has ruled it out. Keep the patient immobilized "
            "(brace or bed rest) until then.",
            REVIEW + ": 'Mechanical (spinal stability)' and algorithm footnote, refs [17] (Fisher "
            "2010), [18] (NICE guidance 2023)",
        ),
        Alert.NONAMBULATORY_OVER_48H: Note(
            "The patient has not walked for more than 48 hours: walking is less likely to come "
            "back with treatment. Treatment is still needed without delay.",
            REVIEW + ": 'Importance of early detection', ref [1] (Laufer 2016, systematic review); "
            "'Neurologic function', ref [104] (Zaidat 2002)",
        ),
        Alert.TIME_CRITICAL: Note(
            "The patient stopped walking 48 hours ago or less (or the time is not known): start "
            "definitive treatment as fast as possible. Results are best when treatment begins "
            "within 12 hours of losing the ability to walk.",
            REVIEW + ": 'Importance of early detection', ref [1] (Laufer 2016); 'Neurologic "
            "function', ref [104] (Zaidat 2002)",
        ),
        Alert.CONSIDER_SURGERY_RADIOSENSITIVE: Note(
            "A solid radiosensitive tumor with high-grade ESCC and a neurologic deficit in a "
            "surgical candidate: cEBRT works, but it can take time. Discuss surgery first, which "
            "relieves the cord faster.",
            REVIEW + ": 'Radiosensitive tumors' and algorithm footnote (delta); ref [46] (Patchell "
            "2005, surgery plus radiation in solid tumors)",
        ),
        Alert.RAPID_STEROID_RESPONSE: Note(
            "Lymphoma and myeloma usually respond fast to glucocorticoids (which are lympholytic) together with cEBRT.",
            REVIEW + ": 'Radiosensitive tumors'; 'Glucocorticoids', refs [31,32]",
        ),
        Alert.SYSTEMIC_THERAPY_OPTION: Note(
            "This tumor type can respond to systemic treatment: chemotherapy for lymphoma and "
            "germ cell tumors, hormonal therapy for breast and prostate cancer. Involve medical "
            "oncology; systemic treatment takes days to weeks, so it rarely replaces local "
            "treatment of ESCC.",
            REVIEW + ": 'Systemic therapy', refs [88,89] (lymphoma), [91] (germ cell), [92] (breast), [93] (prostate)",
        ),
        Alert.SBRT_UNAVAILABLE: Note(
            "SBRT would be the preferred radiation for this case, but it cannot be delivered in "
            "time at this centre. The pathway shows the fallback where the rule set has one; "
            "otherwise arrange SBRT elsewhere or take the case to the tumor board.",
            REVIEW + ": 'Radioresistant tumors with low-grade ESCC' (fallback: cEBRT, or excision "
            "then cEBRT), 'Maximal surgical excision plus cEBRT', ref [46]; 'Patients with "
            "prior in-field radiation', ref [49]",
        ),
        Alert.HYPOFRACTIONATED_SBRT_OPTION: Note(
            "Grade 2 ESCC in a patient who is not having surgery: hypofractionated SBRT (mostly "
            "27 Gy in 3 fractions) is an alternative to short-course cEBRT for selected patients.",
            REVIEW + ": 'Radioresistant tumors with high-grade ESCC' and 'Stereotactic body "
            "radiotherapy', ref [71] (Rothrock 2020)",
        ),
        Alert.REIRRADIATION_CORD_TOLERANCE: Note(
            "This level was irradiated before: check the cumulative spinal cord dose before any "
            "re-irradiation (cord tolerance is quoted as about 45 Gy in 2 Gy fractions; some radiation "
            "oncologists put it nearer 60 Gy). Myelopathy after re-irradiation is infrequent, partly because "
            "survival after re-irradiation is short (median about 5 months) against the latency of "
            "myelopathy. The level's re-irradiation budget shows the cumulative cord dose where the courses "
            "are recorded. It covers only the spinal cord at the recorded level (below the conus, the thecal "
            "sac and cauda equina). It does not assess other organs inside earlier fields (for example "
            "oesophagus, bowel, kidneys, brachial or lumbosacral plexus), nor overlap at neighbouring levels: "
            "the new field extends one level beyond the index block, so record every level inside it that "
            "was irradiated before.",
            REVIEW + ": 'Management of recurrent ESCC', refs [111,112,116,117] (re-irradiation series), "
            "[118,119] (cord tolerance); 'Patients with prior in-field radiation', ref [49]",
        ),
        Alert.VCF_RISK_AFTER_SBRT: Note(
            "SBRT to a lytic lesion, or to a vertebra that has already collapsed or is out of "
            "alignment: vertebral compression fracture after SBRT occurs in up to about 40%. "
            "Single doses above 20 Gy add to the risk.",
            REVIEW + ": 'Stereotactic body radiotherapy, risks and toxicities', refs [72-75] "
            "(Sahgal 2013, Cunha 2012, Thibault 2014)",
        ),
        Alert.GRADE0_NOT_ESCC: Note(
            "ESCC grade 0 is tumor confined to bone without epidural disease, so it is not ESCC. "
            "The case is still evaluated, but the pathway was written for epidural compression.",
            REVIEW + ": figure 1 and image 1 (ESCC grading scale), ref [15] (Bilsky 2010)",
        ),
        Alert.ADDITIONAL_UNSTABLE_LESION: Note(
            "Another level than the index lesion is unstable: each unstable level needs its own "
            "stabilization plan (surgery, cement or bracing) besides the index lesion's pathway.",
            REVIEW + ": 'Patients with multilevel involvement'; 'Patients with spinal instability', refs [17,38-42]",
        ),
        Alert.ADDITIONAL_HIGH_GRADE_LESION: Note(
            "Another level than the index lesion has high-grade ESCC: each such level needs its own "
            "radiation or decompression plan.",
            REVIEW + ": 'Patients with multilevel involvement'; 'Neurologic (high- versus low-grade ESCC)', ref [15]",
        ),
        Alert.ESCC_OUTSIDE_INDEX_BLOCK: Note(
            "ESCC (grade 1b or higher) lies outside the block of levels around the index lesion. Every "
            "level with ESCC usually needs radiation unless the tumor responds well to systemic therapy; "
            "the randomized surgery trial enrolled only patients with a single area of compression.",
            REVIEW + ": 'Patients with multilevel involvement'; ref [46] (Patchell 2005)",
        ),
        Alert.CEMENT_AUGMENTATION_OPTION: Note(
            "Low-grade ESCC without retropulsed fragments or posterolateral involvement: percutaneous "
            "cement augmentation (vertebroplasty or kyphoplasty) can stabilize the level without open surgery.",
            REVIEW
            + ": 'Role of vertebroplasty, kyphoplasty, and percutaneous spinal instrumentation', refs [42,85,86]",
        ),
        Alert.SHORT_SURVIVAL_SURGERY: Note(
            "The pathway includes open surgery but the expected survival is under 3 months: the patient "
            "must be able to recover from the operation, and very short expected survival argues against it.",
            REVIEW + ": 'Systemic' (NOMS) and 'Radioresistant tumors with high-grade ESCC'; ref [46] (Patchell 2005)",
        ),
        Alert.BIOPSY_BEFORE_STEROIDS: Note(
            "No cancer diagnosis yet: glucocorticoids are lympholytic and can make a lymphoma biopsy "
            "non-diagnostic. Take the biopsy first when the neurologic state allows.",
            REVIEW + ": 'Glucocorticoids', refs [31,32]; 'Patients with unknown or synchronous primary', ref [48]",
        ),
        Alert.SURVIVAL_ESTIMATE_DISCORDANT: Note(
            "The revised Tokuhashi score predicts a survival that does not overlap the clinician's "
            "estimate. The pathway still follows the clinician's estimate; review the estimate with "
            "medical oncology.",
            "Tokuhashi 2005, Spine 30:2186 (revised Tokuhashi score); " + REVIEW + ": 'Prognosis' and 'Systemic'",
        ),
        Alert.REIRRADIATION_BUDGET_UNKNOWN: Note(
            "No earlier radiation course is recorded for a level irradiated before, so its cumulative "
            "spinal cord dose is unknown. Record each earlier course's technique, total dose, fractions and "
            "end date, and the plan's cord maximum where known. A missing record is not a zero dose.",
            "Nieder 2006 (IJROBP 66:1446); Sahgal 2012 (IJROBP 82:107); seed 'Management of recurrent "
            "ESCC', refs [111,112,116,117,119]",
        ),
        Alert.CORD_BUDGET_INSUFFICIENT: Note(
            "An earlier course above 98 Gy2, or a cumulative cord BED above 95.5 Gy2 (135.5 less the 40.0 "
            "Gy2 of 8 Gy in 1 fraction): even the shortest reference course would not stay within Nieder's "
            "limit. This is information for radiation oncology, who set the dose.",
            "Nieder 2006 (IJROBP 66:1446): cumulative BED 135.5 Gy2, each course 98 Gy2 or less",
        ),
        Alert.REIRRADIATION_INTERVAL_SHORT: Note(
            "Fewer than 6 months since the last course at this level. Nieder's conditions need at least "
            "6 months between courses; Sahgal's need at least 5 months for SBRT after conventional "
            "radiation.",
            "Nieder 2006 (IJROBP 66:1446); Sahgal 2012 (IJROBP 82:107)",
        ),
        Alert.REIRRADIATION_NO_VALIDATED_LIMIT: Note(
            "The earlier radiation at this level includes an SBRT course, or two or more courses. The "
            "cumulative figures are shown, but no published limit covers this history, so the new plan "
            "needs the earlier plans' doses.",
            "Nieder 2006 (IJROBP 66:1446); Sahgal 2012 (IJROBP 82:107); HyTEC 2021 (IJROBP, doi "
            "10.1016/j.ijrobp.2019.09.038)",
        ),
        Alert.BONY_COMPRESSION: Note(
            "Retropulsed bone may contribute to the compression, and radiation is not expected to relieve "
            "that part. Ask a spine surgeon whether decompression is needed. Where the patient is not a "
            "surgical candidate or declines, or the board chooses otherwise, record that the board accepted "
            "this.",
            "ACR 2015 (Lo et al., J Palliat Med 18(7), PMID 25974663); seed 'Role of vertebroplasty, "
            "kyphoplasty, and percutaneous spinal instrumentation', refs [85,87]",
        ),
    }
)


SUPPORTIVE_CARE_ALWAYS: Final = Note(
    "For every patient: a prophylactic bowel regimen, because opioids, immobility and "
    "autonomic dysfunction cause constipation and ileus and glucocorticoids can hide the "
    "signs of a perforation; and enough analgesia (often opioids) for the patient to bear "
    "the examination and imaging.",
    REVIEW
    + ": 'Urinary retention and constipation', ref [37] (Fadul 1988); 'Pain management and role of immobilization'",
)

STEROID_DOSING_TEXT: Final = Note(
    "Dexamethasone 10 mg intravenously, then 16 mg a day by mouth in divided doses. Once "
    "definitive treatment is under way, halve the daily dose every 3 days. Very high doses "
    "(such as 96 mg) add serious side effects without better results.",
    REVIEW + ": 'Glucocorticoids', ref [28] (Kumar 2017); refs [27] (George 2015, Cochrane "
    "review), [29] (Heimdal 1992), [35] (Graham 2006)",
)

SBRT_DOSES_TEXT: Final = Note(
    "Usual spine SBRT schedules: 16-24 Gy in 1 fraction, 24 Gy in 2, 27-30 Gy in 3, or "
    "50 Gy in 5. Radioresistant tumors in patients with a good prognosis need the higher doses.",
    REVIEW + ": 'Stereotactic body radiotherapy, dose and fractionation', ref [64] (Yamada 2017)",
)

CEBRT_FIELD_TEXT: Final = Note(
    "cEBRT field: the width of the vertebral body and any paravertebral tumor with a margin, "
    "centred on the spine, usually one vertebral body above and one below the epidural disease.",
    REVIEW + ": 'Conventional external beam radiation therapy, treatment field', ref [63] (Klish 2011)",
)

REGIMEN_TEXTS: Final[Mapping[CebrtRegimen, str]] = MappingProxyType(
    {
        CebrtRegimen.GY8_1FX: (
            "8 Gy in a single fraction (20 Gy in 5 fractions is an alternative with a slightly "
            "better chance of keeping the patient walking)"
        ),
        CebrtRegimen.GY20_5FX: "20 Gy in 5 fractions (4 Gy a day)",
        CebrtRegimen.GY30_10FX: ("30 Gy in 10 fractions (longer courses of 30-40 Gy in 10-20 fractions are also used)"),
        CebrtRegimen.REIRRADIATION_INDIVIDUALIZED: (
            "A second course of cEBRT, its dose set by radiation oncology after checking the cumulative "
            "spinal cord dose (never a first-course schedule)"
        ),
    }
)

PROGNOSIS_NOTES: Final[tuple[Note, ...]] = (
    Note(
        "How well the patient moves before treatment predicts how well they move after it better than anything else.",
        REVIEW + ": 'Prognosis, neurologic function', refs [2-4]",
    ),
    Note(
        "Of patients who can walk when treatment starts, 67-82% can still walk at the end.",
        REVIEW + ": 'Prognosis, neurologic function', refs [2,12,51,102]",
    ),
    Note(
        "About one in three patients who cannot walk because of paraparesis walks again after "
        "treatment; of paraplegic patients, 2-6% do (more with radiosensitive tumors).",
        REVIEW + ": 'Prognosis, neurologic function', ref [2] (Maranzano 1995)",
    ),
    Note(
        "Of patients who need a urinary catheter before treatment, 20-40% become catheter-free.",
        REVIEW + ": 'Prognosis, neurologic function', refs [3,5]",
    ),
    Note(
        "Motor deficits that built up over more than 2 weeks recover better than those that appeared within a week.",
        REVIEW + ": 'Prognosis, neurologic function', ref [103] (Rades 2002)",
    ),
    Note(
        "Median survival is about 8-10 months when the patient walks before radiation, against 2-4 months when not.",
        REVIEW + ": 'Prognosis, overall survival', refs [2,98,99]",
    ),
    Note(
        "Median survival is about 9-10 months with breast or prostate cancer, lymphoma or "
        "myeloma, against 3-4 months with lung cancer.",
        REVIEW + ": 'Prognosis, overall survival', refs [2,94,96,97]",
    ),
    Note(
        "In the randomized trial of surgery plus radiation against radiation alone, 84% vs 57% "
        "of patients were walking after treatment, and 10 of 16 vs 3 of 16 patients who could "
        "not walk at entry walked again.",
        REVIEW + ": 'Maximal surgical excision plus cEBRT', ref [46] (Patchell 2005, Lancet)",
    ),
)


# --------------------------------------------------------------------------------------------
# Sources and input-name groups used in the rationale
# --------------------------------------------------------------------------------------------

SRC_SINS: Final = (
    REVIEW + ": 'Mechanical (spinal stability)' and table 2 (SINS), ref [17] (Fisher 2010, Spine "
    "Oncology Study Group); ref [19] (Fourney 2011, reliability and validity)"
)
SRC_ESCC: Final = (
    REVIEW + ": 'Neurologic (high- versus low-grade ESCC)' and figure 1, ref [15] (Bilsky 2010, ESCC scale)"
)
SRC_RADIOSENSITIVITY: Final = (
    REVIEW
    + ": 'Oncologic (radiosensitivity of primary tumor)', table 1 and algorithm footnote, ref [16] (Gerszten 2009)"
)
SRC_STABILITY: Final = (
    REVIEW + ": 'Mechanical (spinal stability)', table 2 and algorithm footnote, refs [17] "
    "(Fisher 2010, SINS), [18] (NICE guidance 2023)"
)
SRC_SIGNIFICANT_DEFICIT: Final = (
    REVIEW + ": 'Patients with unknown or synchronous primary', ref [48] (Schiff 1997); "
    "'Importance of early detection', ref [1]"
)
SRC_P1: Final = REVIEW + ": 'Patients with unknown or synchronous primary', ref [48] (Schiff 1997)"
SRC_P2: Final = SRC_P1
SRC_P3: Final = (
    REVIEW + ": 'Patients with spinal instability', refs [39,40] (SINS and outcomes), [41] (open "
    "instrumentation), [42] (percutaneous techniques); 'Role of vertebroplasty, kyphoplasty, "
    "and percutaneous spinal instrumentation', refs [85,86] (cement), [87] (Moussazadeh 2015, "
    "percutaneous screws)"
)
SRC_P4: Final = (
    REVIEW + ": 'Patients with spinal instability' and algorithm footnote (section sign), ref [38] "
    "(Lee 2015, Cochrane review of bracing); summary recommendations"
)
SRC_P5_SURGERY: Final = (
    REVIEW + ": 'Patients with prior in-field radiation', refs [49] (Myrehaug 2017), [50]; "
    "'Separation surgery plus SBRT', ref [47] (Laufer 2013)"
)
SRC_P5_PALLIATIVE: Final = (
    REVIEW + ": 'Radioresistant tumors with high-grade ESCC' (non-surgical patients); 'Management "
    "of recurrent ESCC', refs [111,116,117] (second course of cEBRT)"
)
SRC_P5_REIRRADIATION: Final = (
    REVIEW + ": 'Patients with prior in-field radiation', ref [49] (Myrehaug 2017); 'Management "
    "of recurrent ESCC', refs [66] (Gerszten 2007), [110-117]"
)
SRC_P6: Final = (
    REVIEW
    + ": 'Radiosensitive tumors', refs [2] (Maranzano 1995), [16] (Gerszten 2009); summary recommendations (Grade 2C)"
)
SRC_P7: Final = (
    REVIEW + ": 'Radioresistant tumors with low-grade ESCC', refs [64-69] (SBRT local control), "
    "[2,45] (poor control with cEBRT); summary recommendations (Grade 2C)"
)
SRC_P8: Final = (
    REVIEW + ": 'Radioresistant tumors with high-grade ESCC', refs [46] (Patchell 2005), [47] "
    "(Laufer 2013); 'Separation surgery plus SBRT', ref [82] (Redmond 2016); 'Maximal "
    "surgical excision plus cEBRT', ref [46]"
)
SRC_P9: Final = (
    REVIEW + ": 'Radioresistant tumors with high-grade ESCC' and algorithm footnote (section "
    "sign); refs [43] (Maranzano 2005, 8 Gy single dose), [71] (Rothrock 2020, "
    "hypofractionated SBRT)"
)
SRC_REGIMEN_SHORT: Final = (
    REVIEW + ": 'Conventional external beam radiation therapy, dose and fractionation', refs [43] "
    "(Maranzano 2005), [55] (Hoskin 2019, SCORAD), [58] (Rades 2016), [60] (Lee, ICORG 05-03)"
)
SRC_REGIMEN_MIDDLE: Final = (
    REVIEW + ": 'Conventional external beam radiation therapy, dose and fractionation', refs "
    "[51,54,56-59] (short against long courses)"
)
SRC_REGIMEN_FAVOURABLE: Final = (
    REVIEW + ": 'Conventional external beam radiation therapy, dose and fractionation', refs [61] "
    "(Rades 2006, myeloma), [62] (Rades 2007, oligometastases)"
)
SRC_REGIMEN_LONG: Final = (
    REVIEW + ": 'Radiosensitive tumors', ref [44] (Rades 2006); 'Dose and fractionation', refs [56,57,61,62]"
)
SRC_REGIMEN_EXCISION: Final = (
    REVIEW + ": 'Maximal surgical excision plus cEBRT', ref [46] (Patchell 2005: 30 Gy in 10 fractions after surgery)"
)
SRC_STEROIDS_HIGH: Final = (
    REVIEW + ": 'Glucocorticoids', ref [28] (Kumar 2017); very high doses: refs [27] (George "
    "2015, Cochrane review), [29] (Heimdal 1992)"
)
SRC_STEROIDS_NOT_ROUTINE: Final = (
    REVIEW + ": 'Glucocorticoids', ref [30] (Maranzano 1996, radiotherapy without steroids)"
)
SRC_STEROIDS_CONSIDER: Final = REVIEW + ": 'Glucocorticoids', refs [25-27] (bridge to definitive treatment), [30]"
SRC_VTE: Final = REVIEW + ": 'Venous thromboembolism prophylaxis', ref [36] (Zacharia 2017)"
SRC_BLADDER: Final = REVIEW + ": 'Urinary retention and constipation'"
SRC_MOBILITY: Final = (
    REVIEW + ": 'Pain management and role of immobilization', refs [18] (NICE 2023), [38] (Lee 2015, Cochrane review)"
)
SRC_URGENCY: Final = (
    REVIEW
    + ": 'Importance of early detection', ref [1] (Laufer 2016); 'Neurologic (high- versus low-grade ESCC)', ref [15]"
)

SINS_INPUTS: Final = (
    "spinal_level",
    "sins_pain",
    "sins_bone_lesion",
    "sins_alignment",
    "sins_collapse",
    "sins_posterolateral",
)
STABILITY_INPUTS: Final = ("stability_assessment", *SINS_INPUTS)
DEFICIT_INPUTS: Final = ("neurologic_deficit", "deficit_progressing", "motor_status")
RADIOSENSITIVITY_INPUTS: Final = ("histology", "other_radiosensitivity")


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


SRC_P2_BIOPSY_THEN_CEBRT: Final = (
    REVIEW + ": 'Patients with unknown or synchronous primary', ref [48] (Schiff 1997); 'Importance of early "
    "detection', ref [1]"
)
SRC_REGIMEN_REIRRADIATION: Final = (
    REVIEW
    + ": 'Management of recurrent ESCC', refs [111,112,116,117] (re-irradiation series), [118,119] (cord tolerance)"
)
SRC_CEBRT_FIELD: Final = (
    REVIEW + ": 'Conventional external beam radiation therapy, treatment field', ref [63] (Klish 2011)"
)
SRC_STEROIDS_PALLIATIVE: Final = (
    REVIEW + ": 'Radioresistant tumors with high-grade ESCC' (glucocorticoids and short-course cEBRT); "
    "'Glucocorticoids', ref [28] (Kumar 2017)"
)
SRC_TOKUHASHI: Final = "Tokuhashi 2005, Spine 30:2186 (revised Tokuhashi score; reprinted in NICE CG75 appendix)"
SRC_TOMITA: Final = "Tomita 2001, Spine 26:298 (Tomita score)"
SRC_BAUER: Final = "Leithner 2008, Eur Spine J 17:1488 (modified Bauer score, after Bauer & Wedin 1995)"
SRC_REIRRADIATION_BUDGET: Final = (
    "Nieder 2006 (IJROBP 66:1446); Sahgal 2012 (IJROBP 82:107); HyTEC 2021; Barton 2002 (IJROBP 52:1083); "
    + REVIEW
    + ": 'Management of recurrent ESCC', refs [111,112,116,117,119]"
)
SRC_P3_RETROPULSION: Final = (
    f"{SRC_P3}; ACR 2015 (Lo et al., J Palliat Med 18(7), PMID 25974663: with retropulsed fragments in the "
    "canal, surgery should be strongly considered)"
)
