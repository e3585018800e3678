"""The live update sends a part of the result panel only when it changed (templatetags/live_update.py),
as elements the page merges into its own by id (static/js/kept_parts.js).

Every part kept on the page must be byte for byte what the answer would have sent: the tests compare
the kept parts with a full answer for the same entries.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.urls import reverse

from assessments.templatetags import live_update
from tests.factories import form_post

HX = {"HTTP_HX_REQUEST": "true"}
PART_RE = re.compile(r'<([a-z]+)\b[^>]*?\sid="([\w-]+)"[^>]*?\sdata-part="([0-9a-f]{16})"( data-kept)?')


def render(source: str, shown: dict[str, str] | None) -> str:
    context = {} if shown is None else {live_update.SHOWN_PARTS: shown}
    return Template("{% load live_update %}" + source).render(Context(context))


def parts(html: str) -> dict[str, str]:
    """The parts an answer or page carries, id -> digest (as app.js reports them)."""
    return {m.group(2): m.group(3) for m in PART_RE.finditer(html)}


def preserved(html: str) -> set[str]:
    return {m.group(2) for m in PART_RE.finditer(html) if m.group(4)}


def report(found: dict[str, str]) -> str:
    return " ".join(f"{part_id}:{value}" for part_id, value in found.items())


# --- The tag ------------------------------------------------------------------------------------------


def test_a_part_is_marked_with_the_digest_of_what_it_renders():
    html = render('{% unchanged_kept %}<li id="reason-sins" class="x">SINS 3</li>{% endunchanged_kept %}', {})
    digest = live_update.digest('<li id="reason-sins" class="x">SINS 3</li>')
    assert html == f'<li id="reason-sins" class="x" data-part="{digest}">SINS 3</li>'


def test_a_part_the_page_shows_unchanged_becomes_a_placeholder_the_page_keeps_its_copy_for():
    source = '{% unchanged_kept %}<li id="reason-sins">SINS 3</li>{% endunchanged_kept %}'
    digest = live_update.digest('<li id="reason-sins">SINS 3</li>')
    html = render(source, {"reason-sins": digest})
    assert html == f'<li id="reason-sins" data-part="{digest}" data-kept></li>'
    assert "SINS 3" not in html


def test_a_placeholder_keeps_the_white_space_around_its_part():
    """So the text between parts on the page is exactly what a full answer has (kept_parts.js merges it)."""
    source = '{% unchanged_kept %}\n  <li id="reason-sins">SINS 3</li>\n{% endunchanged_kept %}'
    digest = live_update.digest('\n  <li id="reason-sins">SINS 3</li>\n')
    assert render(source, {"reason-sins": digest}) == f'\n  <li id="reason-sins" data-part="{digest}" data-kept></li>\n'


def test_a_part_that_changed_or_an_unknown_digest_is_sent_whole():
    source = '{% unchanged_kept %}<li id="reason-sins">SINS 4</li>{% endunchanged_kept %}'
    stale = live_update.digest('<li id="reason-sins">SINS 3</li>')
    assert "SINS 4" in render(source, {"reason-sins": stale})
    assert "SINS 4" in render(source, {"reason-sins": "0123456789abcdef"})
    assert "SINS 4" in render(source, {"another-part": live_update.digest('<li id="reason-sins">SINS 4</li>')})


def test_an_out_of_band_part_the_page_shows_unchanged_is_left_out():
    source = '{% unchanged_kept oob %}<div id="karnofsky-ecog">ECOG 1</div>{% endunchanged_kept %}'
    digest = live_update.digest('<div id="karnofsky-ecog">ECOG 1</div>')
    assert render(source, {"karnofsky-ecog": digest}) == ""
    assert "ECOG 1" in render(source, {})


def test_outside_the_case_form_a_part_renders_plainly():
    """The case page and the board use the same panel templates: no marks, nothing kept."""
    html = render('{% unchanged_kept %}<li id="reason-sins">SINS 3</li>{% endunchanged_kept %}', None)
    assert html == '<li id="reason-sins">SINS 3</li>'


def test_a_part_without_an_id_on_its_first_element_is_a_template_error():
    with pytest.raises(TemplateSyntaxError, match="one element with an id"):
        render("{% unchanged_kept %}<li>SINS 3</li>{% endunchanged_kept %}", {})
    with pytest.raises(TemplateSyntaxError, match="only the word oob"):
        render("{% unchanged_kept always %}<li id='a'></li>{% endunchanged_kept %}", {})


def test_the_report_is_read_leniently_and_bounded():
    rf = RequestFactory()
    good = "a" * 16
    request = rf.post("/", {"shown_parts": f"reason-sins:{good} junk bad:XYZ <script>:{good} reason-escc:{'b' * 16}"})
    assert live_update.shown_parts(request) == {"reason-sins": good, "reason-escc": "b" * 16}
    flood = " ".join(f"p{i}:{good}" for i in range(500))
    assert len(live_update.shown_parts(rf.post("/", {"shown_parts": flood}))) == 200
    assert live_update.shown_parts(rf.post("/", {})) == {}


# --- The case form ------------------------------------------------------------------------------------


@pytest.fixture
def live(alice_client):
    url = reverse("assessments:case_create")

    def post(data: dict[str, str], shown: dict[str, str] | None = None, after: str = "") -> str:
        """POST as the page does; ``after``: the answer the page shows now (its flowchart and parts)."""
        data = dict(data)
        if after:
            data["shown_flow_rule"] = re.search(r'name="shown_flow_rule" form="case-form" value="(\w+)"', after).group(
                1
            )
            shown = parts(after) if shown is None else shown
        if shown is not None:
            data["shown_parts"] = report(shown)
        response = alice_client.post(url, data, **HX)
        assert response.status_code == 200
        return response.content.decode()

    return post


def test_the_full_page_marks_its_parts_for_the_first_live_update(alice_client):
    page = alice_client.post(reverse("assessments:case_create"), {**form_post(), "action": "preview"}).content.decode()
    found = parts(page)
    assert {"spine-picture", "pathway-card", "prognosis-panel", "reason-sins", "reason-pathway"} <= set(found)
    assert not preserved(page)


def test_a_live_update_keeps_what_did_not_change_and_sends_what_did(live):
    first = live(form_post())
    changed = form_post(sins_bone_lesion="lytic")  # SINS +1: the SINS reason changes, the pathway does not
    full = live(changed, shown={}, after=first)
    kept = live(changed, after=first)

    # The SINS card and the SINS reason are sent; the spine picture, the pathway and the prognosis are kept.
    assert 'id="sins-card"' in kept and "reason-sins" not in preserved(kept)
    assert {"spine-picture", "pathway-card", "prognosis-panel", "reason-escc", "reason-pathway"} <= preserved(kept)
    assert len(kept) < len(full) / 2
    # Every kept part is exactly what the full answer sends for these entries.
    full_parts = parts(full)
    for part_id in preserved(kept):
        assert parts(first)[part_id] == full_parts[part_id], part_id
    # Every part sent whole is the full answer's.
    for part_id, value in parts(kept).items():
        assert value == full_parts[part_id]


def test_a_changed_pathway_is_sent_whole(live):
    first = live(form_post())
    operable = form_post(surgical_candidate="no")  # P8 (surgery) -> another rule
    kept = live(operable, shown=parts(first))
    assert "pathway-card" not in preserved(kept)
    assert 'id="pathway-title"' in kept and parts(kept)["pathway-card"] != parts(first)["pathway-card"]
    # The flowchart follows the new rule (its class and caption); its drawing, which never changes, stays.
    rule = re.search(r'id="pathway-rule">Rule (P\d)<', kept).group(1)
    assert rule != "P8" and f'class="noms-flow noms-flow--{rule}"' in kept
    assert "noms-flow-svg" in preserved(kept) and "<path" not in kept.split('id="noms-flow-slot"')[1]


def test_a_forged_report_only_gets_the_whole_panel(live):
    first = live(form_post())
    forged = dict.fromkeys(parts(first), "0123456789abcdef")
    answer = live(form_post(), shown=forged)
    assert not preserved(answer)
    assert answer.count('id="reason-') == first.count('id="reason-')


def test_the_ecog_note_is_left_out_when_the_page_shows_it_already(live):
    data = form_post(karnofsky="70")
    first = live(data)
    assert 'id="karnofsky-ecog"' in first
    again = live(data, shown=parts(first))
    assert 'id="karnofsky-ecog"' not in again
    changed = live(form_post(karnofsky="40"), shown=parts(first))
    assert 'id="karnofsky-ecog"' in changed and "ECOG 3" in changed


class _TopLevelIds(HTMLParser):
    """The ids of an answer's top-level elements (those kept_parts.js merges into the page's element of that id)."""

    VOID = {"input", "br", "img", "hr", "meta", "link"}

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.ids = 0, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth == 0:
            self.ids.append(dict(attrs).get("id"))
        if tag not in self.VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        self.depth -= 1


def test_every_element_of_an_answer_has_its_place_on_the_page(alice_client, live):
    """The page puts each element of the answer where its id is; an element without one would be lost."""
    page = alice_client.get(reverse("assessments:case_create")).content.decode()
    answer = live(form_post(karnofsky="70"), shown={})  # with the flowchart (no rule shown yet) and the ECOG note
    parser = _TopLevelIds()
    parser.feed(answer)
    assert parser.ids == [
        "result-panel",
        "result-summary",
        "result-announcement",
        "karnofsky-ecog",
        "prognosis-fields-state",
        "noms-flow-slot",
    ]
    for element_id in parser.ids:
        assert f'id="{element_id}"' in page, element_id
