"""Accessibility in the markup itself (fast guards; tests/browser/test_accessibility.py runs axe-core)."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.factories import form_post


def ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def test_every_radio_group_is_named_by_its_label(alice_client):
    html = alice_client.get(reverse("assessments:case_create")).content.decode()
    # The empty card for "Add a lesion" and the empty prior course are inert until static/js/lesions.js
    # and static/js/courses.js copy them into the page.
    html = re.sub(r'<template id="(lesion|course)-template"[^>]*>.*?</template>', "", html, flags=re.S)
    groups = re.findall(r'<div role="radiogroup" aria-labelledby="([^"]+)"', html)
    radio_names = set(re.findall(r'type="radio" name="([^"]+)"', html))
    # The index-lesion radios are one per card, each labelled with its card ("Lesion 1: index lesion").
    radio_names.discard("lesions-index")
    assert len(groups) == len(radio_names) == 20
    assert re.search(
        r'<label class="form-check-label" for="id_lesions-0-index"><span class="visually-hidden" data-lesion-title-label>Lesion 1: </span>',
        html,
    )
    for ref in groups:
        assert ref in ids(html), ref
    assert html.count('role="radiogroup"') == len(groups), "no unnamed group"


def test_refused_save_marks_fields_invalid_and_links_their_errors(alice_client):
    response = alice_client.post(reverse("assessments:case_create"), form_post(sins_pain=None, mrn=None))
    html = response.content.decode()
    assert response.status_code == 422
    present = ids(html)
    pain = re.search(r'<div role="radiogroup" aria-labelledby="id_lesions-0-sins_pain_label"([^>]*)>', html).group(1)
    assert 'aria-invalid="true"' in pain
    described = re.search(r'aria-describedby="([^"]+)"', pain).group(1).split()
    assert described == ["id_lesions-0-sins_pain_helptext", "id_lesions-0-sins_pain_error"]
    assert all(ref in present for ref in described)
    mrn = re.search(r"<input[^>]*id=\"id_mrn\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in mrn


def test_every_page_has_a_skip_link_to_main(alice_client):
    html = alice_client.get(reverse("home")).content.decode()
    assert '<a class="visually-hidden-focusable skip-link" href="#main">Skip to main content</a>' in html
    assert '<main class="container-fluid px-3 px-lg-4" id="main" tabindex="-1">' in html
    assert 'id="session-banner"' in html and 'tabindex="-1"' in html.split('id="session-banner"')[1][:120]


def test_live_region_holds_the_summary_not_the_panel(alice_client):
    page = alice_client.get(reverse("assessments:case_create")).content.decode()
    assert 'id="result-panel" class="result-panel" aria-live' not in page
    response = alice_client.post(reverse("assessments:case_create"), form_post(), headers={"HX-Request": "true"})
    live = re.search(r'<div id="result-announcement"[^>]*>(<span>.*?)</div>', response.content.decode())
    assert live, "the summary is swapped into the live region"
    assert "SINS 3 of 18" in live.group(1) and "Separation surgery, then SBRT, rule P8" in live.group(1)
