"""The case page's version list says what each entry did: sharing and handover are named, never empty "Changed" lines."""

from __future__ import annotations

import re

from django.urls import reverse

from assessments.cases import services
from assessments.models import CareTeam
from tests.factories import make_case


def _history_entries(body: str) -> list[str]:
    """The version list's entries as plain text, newest first."""
    section = body.split('id="history-heading"')[1].split("</section>")[0]
    items = re.findall(
        r'<li class="list-group-item">(.*?)</li>\s*(?=<li class="list-group-item">|</ul>\s*$)', section, re.S
    )
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def test_sharing_and_handover_are_named_in_the_version_list(alice, bob, client):
    case = make_case(alice)
    spinal = CareTeam.objects.create(name="Spinal oncology")
    spinal.members.add(alice)
    services.case_share_with_team(case=case, user=alice, team=spinal)
    services.case_handover_propose(case=case, user=alice, to_user=bob, note="Night shift: over to you")
    services.case_handover_answer(case=case, user=bob, accept=True)
    services.case_share_with_team(case=case, user=bob, team=None)
    client.force_login(bob)
    entries = _history_entries(client.get(reverse("assessments:case_detail", args=[case.pk])).content.decode())
    assert len(entries) == 4, entries
    assert entries[0].startswith("No longer shared with the care team Spinal oncology by bob at ")
    assert entries[1].startswith("Handed over from Alice to Bob by bob at ")
    assert entries[2].startswith("Shared with the care team Spinal oncology by alice at ")
    for entry in entries[:3]:
        assert entry.endswith("(not a new version: the findings are those of version 1)"), entry
    assert entries[3].startswith("Created by alice")


def test_no_entry_of_the_version_list_is_an_empty_change(alice, bob, client):
    case = make_case(alice)
    team = CareTeam.objects.create(name="On-call oncology")
    services.case_share_with_team(case=case, user=alice, team=team)
    services.case_handover_propose(case=case, user=alice, to_user=bob, note="Yours")
    services.case_handover_answer(case=case, user=bob, accept=True)
    client.force_login(bob)
    body = client.get(reverse("assessments:case_detail", args=[case.pk])).content.decode()
    for entry in _history_entries(body):
        if entry.startswith("Changed by"):
            raise AssertionError(f"an entry that says nothing of what changed: {entry}")
