"""The entry point :func:`evaluate`: every spec section applied to one case, no memo caches.

No evaluation is memoized: an 8-lesion evaluation costs about 1.2 million instructions (130-250 us,
depending on the machine), and about 2.8 million (360-650 us) when each lesion has 3 prior radiation
entries (``bench/bench_rules.py``, budget 200 us for both), most of it in building the frozen result
objects and the words of the budgets and their alerts; form validation costs more. Each
lesion is derived once and the lesions are grouped once (``lesions.py``); input names come from
constant tables, so no rationale item is built twice. The facts a reason names are interned
(``facts.py``) and its text is spelled only when ``to_dict`` asks for it.
"""

from __future__ import annotations

from datetime import date

from .alerts import Context, alerts_raised
from .codes import RULE_SET, Radiation
from .derived import escc_class, radiosensitivity_of, significant_deficit_of
from .inputs import HEMATOLOGIC_HISTOLOGIES, CaseInput, LesionInput
from .lesions import LESION_NAMES, Lesions, LesionView
from .pathway import Facts, cebrt_field, cebrt_regimen, index_block, pathway_rule
from .prognosis import prognosis_scores
from .reirradiation import budget, budget_item
from .result import LesionResult, Pathway, RationaleItem, Result
from .sins import sins_score, stability_of
from .supportive import bladder_rule, mobility_rule, steroids_rule, urgency_rule, vte_rule


def _lesion(
    lesion: LesionInput, position: int, evaluation_date: date
) -> tuple[LesionView, tuple[RationaleItem, ...], RationaleItem | None]:
    """Spec 2.1, 2.2, 2.4 and 4.1 for one lesion: its three rationale items, and its budget's when irradiated."""
    names = LESION_NAMES[position]
    sins, sins_item = sins_score(
        lesion.spinal_level,
        lesion.sins_pain,
        lesion.sins_bone_lesion,
        lesion.sins_alignment,
        lesion.sins_collapse,
        lesion.sins_posterolateral,
        names=names,
    )
    high_grade, escc_item = escc_class(lesion.escc_grade, names=names)
    stability, stability_item = stability_of(lesion.stability_assessment, sins.total, lesion.sins_pain, names=names)
    reirradiation = budget_reason = None
    if lesion.prior_radiation_in_field:
        reirradiation = budget(lesion.prior_radiation_courses, evaluation_date)
        budget_reason = budget_item(reirradiation, level=lesion.spinal_level, inputs=names.budget)
    # Positional: calling a class with keywords packs them into a dict first, and this runs per lesion.
    derived = LesionResult(
        position, lesion.spinal_level, lesion.index, sins, lesion.escc_grade, high_grade, stability, reirradiation
    )
    return LesionView(lesion, derived), (sins_item, escc_item, stability_item), budget_reason


def evaluate(case: CaseInput) -> Result:
    """Apply rule set 2027.2 to one case; never raises for a valid :class:`CaseInput`.

    The evaluation date (4.1, RB1) is the case's own, else today's date: the app passes the site's.
    """
    evaluation_date = case.evaluation_date or date.today()
    views: list[LesionView] = []
    index_items: tuple[RationaleItem, ...] = ()
    other_items: list[RationaleItem] = []  # the other lesions' items, in position order
    budget_items: list[RationaleItem] = []  # spec 4.1, one per lesion irradiated before, in position order
    for position, lesion in enumerate(case.lesions):
        view, items, budget_reason = _lesion(lesion, position, evaluation_date)
        if budget_reason is not None:
            budget_items.append(budget_reason)
        views.append(view)
        if position == case.index_position:
            index_items = items
        else:
            other_items += items
    lesions = Lesions(tuple(views), case.index_position)
    index = lesions.index
    radiosensitivity, radiosensitivity_item = radiosensitivity_of(case.histology, case.other_radiosensitivity)
    significant, significant_item = significant_deficit_of(
        case.neurologic_deficit, case.deficit_progressing, case.motor_status
    )
    given = index.given
    facts = Facts(
        radiosensitivity=radiosensitivity,
        significant_deficit=significant,
        surgical_candidate=case.surgical_candidate,
        stability=index.derived.stability,
        escc_grade=given.escc_grade,
        high_grade=index.derived.high_grade,
        prior_radiation=given.prior_radiation_in_field,
        sbrt_available=case.sbrt_available,
        retropulsion=given.retropulsion,
        posterolateral=given.sins_posterolateral,
        neurologic_deficit=case.neurologic_deficit,
        survival=case.expected_survival,
    )
    choice, pathway_item = pathway_rule(facts, names=index.names)
    block = index_block(tuple(lesion.spinal_level for lesion in case.lesions), given.spinal_level)
    definitive_items = [pathway_item]
    regimen = field = None
    if choice.radiation == Radiation.CEBRT:
        regimen, regimen_item = cebrt_regimen(
            choice,
            prior_radiation=given.prior_radiation_in_field,
            survival=case.expected_survival,
            oligometastatic=case.oligometastatic,
            hematologic=case.histology in HEMATOLOGIC_HISTOLOGIES,
            names=index.names,
        )
        field, field_item = cebrt_field(block, lesions.names.level_and_index)
        definitive_items += [regimen_item, field_item]
    pathway = Pathway(
        code=choice.code,
        rule=choice.rule,
        stabilization=choice.stabilization,
        radiation=choice.radiation,
        cebrt_regimen=regimen,
        cebrt_field=field,
    )
    steroids, steroids_item = steroids_rule(deficit=case.neurologic_deficit, code=pathway.code, lesions=lesions)
    vte, vte_item = vte_rule(
        motor=case.motor_status, lesions=lesions, contraindication=case.vte_contraindication, code=pathway.code
    )
    bladder, bladder_item = bladder_rule(retention=case.urinary_retention, symptoms=case.urinary_symptoms)
    mobility, mobility_item = mobility_rule(lesions=lesions)
    urgency, urgency_item = urgency_rule(
        deficit=case.neurologic_deficit, progressing=case.deficit_progressing, motor=case.motor_status, lesions=lesions
    )
    scores, score_items = prognosis_scores(case)
    context = Context(
        case=case,
        lesions=lesions,
        index_lesion=index,
        pathway=pathway,
        sbrt_preferred=choice.sbrt_preferred,
        steroids=steroids,
        tokuhashi=scores[0],
        block=block,
    )
    alerts, alert_details, alert_items = alerts_raised(context)
    rationale = (
        *index_items,
        radiosensitivity_item,
        significant_item,
        *definitive_items,
        *budget_items,
        steroids_item,
        vte_item,
        bladder_item,
        mobility_item,
        urgency_item,
        *alert_items,
        *other_items,
        *score_items,
    )
    return Result(
        rule_set=RULE_SET,
        evaluation_date=evaluation_date,
        sins=index.derived.sins,
        escc_grade=given.escc_grade,
        high_grade=index.derived.high_grade,
        radiosensitivity=radiosensitivity,
        stability=index.derived.stability,
        significant_deficit=significant,
        pathway=pathway,
        urgency=urgency,
        steroids=steroids,
        vte_prophylaxis=vte,
        bladder=bladder,
        mobility=mobility,
        alerts=alerts,
        rationale=rationale,
        lesions=tuple(view.derived for view in lesions.views),
        prognosis_scores=scores,
        alert_details=alert_details,
    )
