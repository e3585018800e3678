"""Every page that shows a patient records that it did: the URL walk, as every role, over the seeded patients.

Each URL the walk finds (``tests.test_access.walk``), filled with the page snapshots' seeded objects
(``tests.test_page_snapshots``: Ann Example with two episodes, Bert Waiting with the board, Cara
Shared in a care team, Dora Example referred), is fetched as every model user, as a page and as an
HTMX request, a quarter after the data were made so that the follow-up worklist lists Ann Example's
90-day follow-up. Whenever the answer names a seeded patient (their name or hospital number), the
same request must have written a ``case.view``, ``patient.view``, ``case.export`` or ``case.print``
entry, by that user, for one of that patient's cases (or the patient). And a ``case.view`` it wrote
must be of a case whose patient the answer names: a list records the page it shows, not the whole
list. A referral's patient (their name or number as the referrer gave them) is named only with a
``referral.view`` of that referral, and a ``referral.view`` is of a referral the answer names. A new
page that shows a patient without going through an audited read (``assessments.access``,
``referrals.selectors``) fails here.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine

from assessments.models import Case, Patient
from audit.models import AuditEntry
from referrals.models import Referral
from tests import test_page_snapshots as snapshots
from tests.test_page_snapshots import PAGES, RENDERED, fill

# The page snapshots' data set, built once for this module too.
seeded, page_db = snapshots.seeded, snapshots.page_db

READS = ("case.view", "patient.view", "case.export", "case.print", "referral.view")
HX = {"HX-Request": "true"}
# Past the 90-day follow-up of the seeded decided case (treatment started the day before RENDERED).
LATER = RENDERED + datetime.timedelta(days=91)


def identifiers() -> dict[int, dict]:
    """Each seeded patient by id: what identifies them on a page, and their cases' ids."""
    out = {}
    for patient in Patient.objects.all():
        cases = {str(pk) for pk in Case.objects.filter(patient=patient).values_list("pk", flat=True)}
        out[patient.pk] = {"words": (patient.name, patient.mrn), "cases": cases}
    return out


def referral_identifiers() -> dict[str, tuple[str, ...]]:
    """Each seeded referral by id: what names its patient on a page (the name, and the number if given)."""
    return {
        str(referral.pk): tuple(filter(None, (referral.patient_name, referral.patient_mrn)))
        for referral in Referral.objects.all()
    }


def referral_cases() -> dict[str, str]:
    """Each seeded referral that became an assessment case, by id: its case's id (one person, two records)."""
    return {str(pk): str(case) for pk, case in Referral.objects.exclude(case=None).values_list("pk", "case")}


def referral_patients() -> dict[str, str]:
    """Each seeded referral that became an assessment case, by id: the id of that case's patient."""
    rows = Referral.objects.exclude(case=None).values_list("pk", "case__patient")
    return {str(pk): str(patient) for pk, patient in rows}


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize(("name", "route", "values", "query", "role"), PAGES)
def test_a_page_that_names_a_patient_records_the_read(client, page_db, name, route, values, query, role, htmx):
    user = page_db.users[role]
    path = fill(route, values, page_db) + query.format(**page_db.objects["case"])
    patients = identifiers()
    referrals = referral_identifiers()
    became = referral_cases()
    person = referral_patients()
    last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    with time_machine.travel(LATER, tick=False):
        client.force_login(user)
        body = body_of(client.get(path, headers=HX if htmx else {}))
    written = list(AuditEntry.objects.filter(seq__gt=last, action__in=READS))
    assert all(entry.actor_id == user.pk for entry in written), [(e.action, e.actor_username) for e in written]
    recorded_cases = {e.target_id for e in written if e.target_type == "assessments.case"}
    recorded_patients = {e.target_id for e in written if e.target_type == "assessments.patient"}
    shown = {pk for pk, patient in patients.items() if any(word in body for word in patient["words"])}
    recorded_referrals = {e.target_id for e in written if e.action == "referral.view"}
    # A referral read of the referral a patient's case came from is a read of that patient too.
    cases_by_referral = {became[pk] for pk in recorded_referrals if pk in became}
    for pk in shown:
        assert patients[pk]["cases"] & (recorded_cases | cases_by_referral) or str(pk) in recorded_patients, (
            f"{path} names patient {pk} ({patients[pk]['words'][0]}) but recorded no read of them: "
            f"{[(e.action, e.target_type, e.target_id) for e in written]}"
        )
    viewed = {e.target_id for e in written if e.action == "case.view"}
    named_cases = set().union(*(patients[pk]["cases"] for pk in shown)) if shown else set()
    assert viewed <= named_cases, (
        f"{path} recorded views of cases whose patient it does not name: {viewed - named_cases}"
    )
    named_referrals = {pk for pk, words in referrals.items() if any(word in body for word in words)}
    # The patient of a referral that became a case is that case's patient: a read of them covers it.
    read_people = recorded_patients | {str(pk) for pk, patient in patients.items() if patient["cases"] & recorded_cases}
    covered = recorded_referrals | {pk for pk, patient in person.items() if patient in read_people}
    assert named_referrals <= covered, (
        f"{path} names the patient of referrals {named_referrals - recorded_referrals} but recorded no referral.view"
    )
    assert recorded_referrals <= named_referrals, (
        f"{path} recorded views of referrals whose patient it does not name: {recorded_referrals - named_referrals}"
    )
