"""Hostile values in every field of every form the pages show, and in the JSON entry points: no 5xx, refusals named.

Which forms: the URL walk's pages (``tests.test_page_snapshots``: every app URL over its seeded data set,
as each model user; the public pages signed out), plus a discarded draft and a draft of the
earlier rule set that data set lacks, are fetched once each, and every ``<form>`` in them is parsed
(stdlib ``html.parser``): its method, its action (or each submit button's ``formaction``) and its
fields (inputs, selects, textareas, a named submit button) with the values the page gives them. A form
is known by its method, the URL name its action resolves to and its field names, and is fuzzed once,
as the first role whose page shows it. So a form added to a template is fuzzed without a line here
(``test_a_new_form_in_a_template_is_found_and_fuzzed`` shows it), and
``test_every_url_that_takes_a_post_has_a_form`` fails for a URL that takes a POST that no page offers
a form for. The Django admin's own forms are not walked.

How: a baseline submission (the page's values; an empty field a plausible value of its type) is sent
first. Then, for each field in turn, the form is sent with that one field replaced by each of
``HOSTILE`` (wrong type, NUL, over-long, huge numbers, unknown choice, empty, repeated, unicode controls
and a right-to-left override, out-of-range dates) or left out. GET forms (filters) get the same values
in the query string. A live-updating form (``hx-post``) gets every value as the live update and, on the
full page, every value in a free-text field but fewer in a choice (``ways_to_send``). Every submission
runs in a savepoint rolled back after it, with the signed-in session restored, so each starts from the
seeded data.

What must hold:

- never a 5xx; the test client re-raises a view's exception, which counts as a 500 here;
- a refusal names the field. A submission is refused when it answers 4xx, or 200/422 with errors shown:
  elements with ``invalid-feedback``, ``errorlist``, ``alert-danger`` or ``text-danger`` classes or a
  ``data-field-error``/``data-missing`` attribute, or a field marked ``aria-invalid``; a 4xx page without
  any is its ``<main>`` text, a non-HTML body its whole text. What is refused as the baseline was (the
  same status, no error the baseline did not show) is not the hostile field's to name. Otherwise one of
  the errors the baseline did not show must name the field: it is tied to the field (inside the field's
  wrapper ``field-<name>`` or ``div_id_<id>``, its id is ``<id>_error`` or crispy's ``error_<n>_<id>``,
  its ``data-field-error`` or ``data-missing`` is the field's name, or the field itself is
  ``aria-invalid``), or its text holds the field's label, its name, or its name in words
  (``meeting date``), as whole words. A hidden field has no label and is named by its name (Django's
  "(Hidden field version) ..."); a formset's management field (``actions-TOTAL_FORMS``) by its bare
  name, by its formset, or by the fields of the cards its count added.

The JSON entry points (case import and ``manage.py evaluate_case``) get a valid case file with one key at
a time (case, lesion and prognosis keys, and an unknown one) replaced by each of ``JSON_HOSTILE`` (wrong
types, NUL, over-long strings, huge numbers, unknown codes, nested junk) or dropped: the command exits
0 with a result or 1 with the key in its ``errors``, the import answers 200 or 422 with the key in the
error shown, never a traceback.

Tests are per URL name so pytest shows progress; the case form's two pages take most of the time.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import lzma
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from assessments import rules
from tests.test_access import APP_ROUTES, PUBLIC
from tests.test_page_snapshots import PAGES, ROLES, seeded  # noqa: F401  (``seeded`` is a fixture)
from tests.test_page_snapshots import fill as fill_route

# --- The values -----------------------------------------------------------------------------------

MISSING = object()
HOSTILE: dict[str, Any] = {
    "wrong type": "not a number, date or code",
    "NUL": "a\x00b",
    "over-long": "x" * 100_000,
    "1e309": "1e309",
    "10**30": str(10**30),
    "-10**30": str(-(10**30)),
    "unknown choice": "no-such-choice",
    "empty": "",
    "repeated": ["1", "2"],
    "controls": "a\x07\x1b[31mb",
    "RTL override": "\u202etxt.exe",
    "year 9999": "9999-12-31T23:59",
    "year 1": "0001-01-01T00:00",
    "missing": MISSING,
}

# --- Parsing forms and errors out of a page ---------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, radio, checkbox, hidden, file, date, ... submit
    value: str = ""
    options: list[str] = field(default_factory=list)
    input_id: str = ""


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, Field]
    labels: dict[str, str]
    htmx: bool
    found_on: str = ""
    role: str = ""
    element: bool = False  # not a <form>: an element posting another form's entries (hx-post, hx-include)

    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.method, url_name(self.action), tuple(sorted(self.fields)))


class PageParser(HTMLParser):
    """Every form of a page with its fields, the page's label texts, and every error shown."""

    ERROR_CLASSES = {"invalid-feedback", "errorlist", "alert-danger", "text-danger"}
    VOID = {"input", "br", "img", "hr", "meta", "link", "source", "area", "col", "wbr", "base", "embed", "param"}

    def __init__(self, path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.forms: list[Form] = []
        self.labels: dict[str, str] = {}  # element id (or "for") -> text
        self.errors: list[tuple[frozenset[str], str]] = []  # (ids and field names it is tied to, text)
        self.main_text: list[str] = []  # what a 4xx page without error elements says
        self._form: Form | None = None
        self._buttons: list[dict[str, str]] = []
        self._stack: list[dict[str, Any]] = []
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._form_id = ""
        self._form_fields: dict[str, dict[str, Field]] = {}  # form id -> its fields, for hx-include
        self._hx_posts: list[tuple[str, str]] = []  # (hx-post URL, id of the form it includes)

    # The element stack: ids of the ancestors tie an error to its field's wrapper.
    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        classes = set(attrs.get("class", "").split())
        tied = {attrs["id"]} if attrs.get("id") else set()
        # The case page's "still needed" list names each field by its label, the message inside.
        for attr in ("data-field-error", "data-missing"):
            if attrs.get(attr):
                tied.add("name:" + re.sub(r"\[(\d+)\]\.", r"-\1-", attrs[attr]))
        if tag not in self.VOID:
            self._stack.append({"tag": tag, "id": attrs.get("id", ""), "label_for": attrs.get("for", ""),
                                "error": bool(classes & self.ERROR_CLASSES) or "data-missing" in attrs
                                or "data-field-error" in attrs,
                                "tied": tied, "text": []})  # fmt: skip
        if (attrs.get("aria-invalid") == "true" or "is-invalid" in classes) and attrs.get("name"):
            self.errors.append((frozenset({"name:" + attrs["name"]}), "(marked invalid)"))
        if tag != "form" and attrs.get("hx-post") and attrs.get("hx-include", "").startswith("#"):
            # An element that posts a form's entries to its own URL (the working copy): a form of its own.
            self._hx_posts.append((attrs["hx-post"], attrs["hx-include"][1:]))
        if tag == "form":
            self._form_id = attrs.get("id", "")
            self._form = Form(method=attrs.get("method", "get").lower(), action=attrs.get("action") or self.path,
                              fields={}, labels=self.labels, htmx=any(k.startswith("hx-") for k in attrs))  # fmt: skip
            self._buttons = []
        elif self._form is not None:
            self._field(tag, attrs)

    def _field(self, tag: str, attrs: dict[str, str]) -> None:
        assert self._form is not None
        name, kind = attrs.get("name", ""), attrs.get("type", "text").lower()
        if kind == "text" and attrs.get("inputmode") in {"numeric", "decimal"}:
            kind = "number"  # a number typed in a text box (``WholeNumberField``)
        if tag == "button" or (tag == "input" and kind in {"submit", "image"}):
            if attrs.get("type", "submit").lower() == "submit":
                self._buttons.append(attrs)
            return
        if not name or "disabled" in attrs or name == "csrfmiddlewaretoken":
            return
        fields = self._form.fields
        if tag == "input" and kind in {"radio", "checkbox"}:
            known = fields.setdefault(name, Field(name, kind, input_id="id_" + name))
            known.options.append(attrs.get("value", "on"))
            if "checked" in attrs:
                known.value = attrs.get("value", "on")
        elif tag == "input" and kind not in {"reset", "button"}:
            fields[name] = Field(name, kind, attrs.get("value", ""), input_id=attrs.get("id", ""))
        elif tag == "select":
            self._select = fields[name] = Field(name, "select", input_id=attrs.get("id", ""))
            self._select.options = []
        elif tag == "option" and self._select is not None:
            self._select.options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select.value = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = fields[name] = Field(name, "textarea", input_id=attrs.get("id", ""))

    def handle_data(self, data: str) -> None:
        for element in self._stack:
            if element["error"] or element["tag"] in {"label", "legend"} or element["id"].endswith("_label"):
                element["text"].append(data)
        if any(element["tag"] == "main" for element in self._stack):
            self.main_text.append(data)
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None:
                self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self._close_form()
        if tag in self.VOID or not any(e["tag"] == tag for e in self._stack):
            return
        while self._stack:
            element = self._stack.pop()
            self._closed(element)
            if element["tag"] == tag:
                break

    def _closed(self, element: dict[str, Any]) -> None:
        text = " ".join("".join(element["text"]).split()).rstrip("*").strip()
        if element["tag"] == "label" and element["label_for"]:
            self.labels.setdefault(element["label_for"], text)
        elif element["id"].endswith("_label"):
            self.labels.setdefault(element["id"].removesuffix("_label"), text)
        if element["error"] and text:
            tied = set(element["tied"])
            for ancestor in self._stack:
                tied |= ancestor["tied"]
            self.errors.append((frozenset(tied), text))

    def _close_form(self) -> None:
        form = self._form
        assert form is not None
        self._form = None
        if self._form_id:
            self._form_fields[self._form_id] = dict(form.fields)
        # Buttons with their own action are forms of their own; otherwise the first named button is a field
        # (a disabled one too: the page may disable it only for this row).
        buttons = [b for b in self._buttons if b.get("formaction")] or [
            next((b for b in self._buttons if b.get("name")), {})
        ]
        for button in buttons:
            fields = dict(form.fields)
            if button.get("name"):
                fields[button["name"]] = Field(button["name"], "submit", button.get("value", ""))
            self.forms.append(
                Form(form.method, button.get("formaction") or form.action, fields, self.labels, form.htmx)
            )

    def close(self) -> None:
        super().close()
        while self._stack:
            self._closed(self._stack.pop())
        for url, form_id in self._hx_posts:
            if form_id in self._form_fields:
                fields = dict(self._form_fields[form_id])
                self.forms.append(Form("post", url, fields, self.labels, htmx=True, element=True))


def parse(path: str, response: Any) -> PageParser:
    parser = PageParser(path)
    if "html" in response.get("Content-Type", "") and not response.streaming:
        parser.feed(response.content.decode(errors="replace"))
    parser.close()
    return parser


def url_name(action: str) -> str:
    try:
        return resolve(urlsplit(action).path).view_name
    except Resolver404:
        return f"(unresolved {action})"


# --- Filling and sending a form ------------------------------------------------------------------


def plausible(item: Field) -> str:
    """The page's value, or for an empty field a valid-looking one of its type."""
    if item.value or item.kind in {"hidden", "submit", "checkbox"}:
        return item.value
    now = timezone.localtime()
    return {
        "radio": (item.options or [""])[0],
        "select": next((o for o in item.options if o), ""),
        "date": (now.date() - datetime.timedelta(days=1)).isoformat(),
        "datetime-local": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "time": "13:00",
        "number": "1",
        "email": "someone@example.org",
        "password": "not-the-password-1",
    }.get(item.kind, "Plausible text")


def baseline(form: Form) -> dict[str, Any]:
    data = {}
    for name, item in form.fields.items():
        if item.kind == "file":
            continue
        if item.kind == "checkbox" and not item.value:
            continue
        data[name] = plausible(item)
    return data


def field_label(form: Form, item: Field) -> str:
    return form.labels.get(item.input_id) or form.labels.get("id_" + item.name) or ""


@dataclass
class Outcome:
    status: int
    errors: list[tuple[frozenset[str], str]]
    crashed: str = ""


def send(client: Client, form: Form, data: dict[str, Any], *, htmx: bool = False) -> Outcome:
    """One submission in a savepoint rolled back after it; the client keeps its session cookie."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    headers = {"HX-Request": "true"} if htmx else {}
    try:
        with transaction.atomic():
            if form.method == "post":
                response = client.post(form.action, data, headers=headers)
            else:
                response = client.get(urlsplit(form.action).path, data, headers=headers)
            transaction.set_rollback(True)
    except Exception as error:  # the would-be 500
        return Outcome(500, [], crashed=f"{type(error).__name__}: {error}"[:300])
    finally:
        client.cookies = cookies
    if "html" in response.get("Content-Type", "") and not response.streaming:
        page = parse(form.action, response)
        errors = page.errors
        if response.status_code >= 400 and not errors:
            errors = [(frozenset(), " ".join("".join(page.main_text).split()))]
    else:
        body = b"" if response.streaming else response.content
        errors = [(frozenset(), body.decode(errors="replace")[:2000])] if response.status_code >= 400 else []
    return Outcome(response.status_code, errors)


def is_refusal(outcome: Outcome) -> bool:
    return outcome.status >= 400 or (outcome.status in {200, 422} and bool(outcome.errors))


def names(form: Form, item: Field, outcome: Outcome, before: Outcome) -> bool:
    """Whether an error the baseline did not show names the field (see the module's docstring)."""
    tie = {"name:" + item.name, "field-" + item.name}
    if item.input_id:
        tie |= {"div_" + item.input_id, item.input_id + "_error"}
    crispy = re.compile(rf"error_\d+_{re.escape(item.input_id)}$") if item.input_id else None
    words = [w for w in (field_label(form, item), item.name, item.name.replace("_", " ")) if w]
    prefix, _, bare = item.name.rpartition("-")
    if bare.endswith("_FORMS"):
        # A formset's management field: named by its bare name (Django's "(Hidden field TOTAL_FORMS)") or
        # by the formset it counts.
        words.append(bare)
        tie.add("name:" + prefix)
    new = [error for error in outcome.errors if error not in before.errors] or outcome.errors
    for tied, text in new:
        if tied & tie or (crispy and any(crispy.match(t) for t in tied)):
            return True
        if bare.endswith("_FORMS") and any(t.startswith(f"name:{prefix}-") for t in tied):
            return True  # a card the count added or dropped, named by its own fields
        for word in words:
            if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE):
                return True
    return False


def same_refusal(outcome: Outcome, before: Outcome) -> bool:
    return outcome.status == before.status and set(outcome.errors) <= set(before.errors)


# A live-updating form gets every value as the live update (HTMX: cheap, the same parsing); the full page,
# which also saves, gets every value in a free-text field but only these in a choice, whose hostile values
# never validate and so only test the page's rendering of a refused choice.
CHOICE_KINDS = {"radio", "select", "checkbox", "submit"}
CHOICE_ON_FULL_PAGE = {"unknown choice", "over-long"}


def ways_to_send(form: Form, item: Field, what: str) -> list[bool]:
    """Whether to send as the live update (True) and/or as the full page (False)."""
    if not form.htmx:
        return [False]
    full_page = item.kind not in CHOICE_KINDS or what in CHOICE_ON_FULL_PAGE
    return [True, False] if full_page else [True]


def fuzz(client: Client, form: Form) -> list[str]:
    """Every hostile value in every field; the problems found, one line each."""
    problems: list[str] = []
    where = f"{form.method.upper()} {form.action} ({form.role}, form on {form.found_on})"
    data = baseline(form)
    before: dict[bool, Outcome] = {}
    for htmx in [False, True] if form.htmx else [False]:
        before[htmx] = send(client, form, data, htmx=htmx)
        if before[htmx].crashed or before[htmx].status >= 500:
            problems.append(f"{where}{' htmx' if htmx else ''}: the baseline answered 500: {before[htmx].crashed}")
    if problems:
        return problems
    for item in form.fields.values():
        if item.kind == "file":
            continue  # a file's hostile contents are the JSON entry points' tests
        for what, value in HOSTILE.items():
            sent = {k: v for k, v in data.items() if k != item.name}
            if value is not MISSING:
                sent[item.name] = value
            for htmx in ways_to_send(form, item, what):
                outcome = send(client, form, sent, htmx=htmx)
                label = f"{where}{' htmx' if htmx else ''}: field {item.name!r} {what}"
                if outcome.crashed or outcome.status >= 500:
                    problems.append(f"{label}: answered {outcome.status} {outcome.crashed}")
                elif (
                    is_refusal(outcome)
                    and not same_refusal(outcome, before[htmx])
                    and not names(form, item, outcome, before[htmx])
                ):
                    shown = "; ".join(text[:120] for _, text in outcome.errors[:3]) or "(no error shown)"
                    problems.append(f"{label}: answered {outcome.status} without naming the field: {shown}")
    return problems


# --- The walk -------------------------------------------------------------------------------------


@dataclass
class Walk:
    clients: dict[str, Client]
    forms: dict[tuple[str, str, tuple[str, ...]], Form]
    pages: list[tuple[str, str, str]]  # (URL name, path, role) of every page fetched


@contextlib.contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


PUBLIC_ROUTES = [(name, route) for name, route in APP_ROUTES if name in PUBLIC and "<" not in route]


def forms_on_pages(clients: dict[str, Client], pages: list[tuple[str, str, str]]) -> dict[Any, Form]:
    """The distinct forms on the pages, each as the first role whose page shows it."""
    found: dict[tuple[str, str, tuple[str, ...]], Form] = {}
    for _, path, role in pages:
        with rolled_back():
            response = clients[role].get(path)
        if response.status_code != 200:
            continue
        for form in parse(urlsplit(path).path, response).forms:
            form.found_on, form.role = path, role
            found.setdefault(form.key(), form)
    return found


@pytest.fixture(scope="module")
def walk(seeded, django_db_blocker):  # noqa: F811  (``seeded`` is the fixture imported above)
    """Every page fetched once per role that may see it, and the distinct forms found on them."""
    with django_db_blocker.unblock():
        clients = {"anonymous": Client()}
        for role in ROLES:
            clients[role] = Client()
            clients[role].force_login(seeded.users[role])
        pages = [(name, f"/{route}", "anonymous") for name, route in PUBLIC_ROUTES]
        for page in PAGES:
            name, route, values, query, role = page.values
            pages.append((name, fill_route(route, values, seeded) + query.format(**seeded.objects["case"]), role))
        pages += states_the_snapshots_lack(seeded.users["alice"], meeting=seeded.objects["meeting"]["meeting"])
        yield Walk(clients, forms_on_pages(clients, pages), pages)


def states_the_snapshots_lack(alice: Any, *, meeting: int) -> list[tuple[str, str, str]]:
    """A discarded draft and a draft saved under the earlier rule set, whose pages hold the restore and
    re-evaluate forms, a case with the board that is on no agenda, found by the meeting page's search
    with its add button, working copies whose form pages offer to discard them, and a draft with a prior
    radiation course; added to this module's copy of the data set."""
    from assessments.cases import services
    from board import services as board_services
    from tests.factories import make_case
    from tests.test_reevaluate import BIOPSY, GOLDEN, case_2026

    records = json.loads(lzma.decompress(GOLDEN.read_bytes()))
    earlier = case_2026(alice, next(r for r in records if r["case"]["id"] == BIOPSY))
    discarded = make_case(alice, patient={"patient_name": "Dee Discarded"})
    services.case_discard(case=discarded, user=alice)
    waiting = make_case(alice, patient={"patient_name": "Sue Searched"})
    board_services.case_submit_to_board(case=waiting, user=alice, question="?", meeting_date=None)
    # Unsaved entries kept on the server: the form pages then offer to discard them.
    typing = make_case(alice, patient={"patient_name": "Wes Working"})
    services.working_copy_save(user=alice, case=typing, entries=entries_on_page(alice, f"/cases/{typing.pk}/edit/"))
    bob = type(alice).objects.get(username="bob")  # his new-case page then offers to discard his copy
    services.working_copy_save(user=bob, case=None, entries=entries_on_page(bob, "/cases/new/"))
    # A level irradiated before, its earlier course recorded: the edit page holds a prior course's boxes.
    course = {"technique": "cebrt", "total_dose_gy": 30, "fractions": 10, "end_date": "2026-03"}
    irradiated = make_case(
        alice,
        patient={"patient_name": "Ira Irradiated"},
        lesions=[{"index": True, "prior_radiation_in_field": True, "prior_radiation_courses": [course]}],
    )
    return [
        ("assessments:case_edit", f"/cases/{typing.pk}/edit/", "alice"),
        ("assessments:case_edit", f"/cases/{irradiated.pk}/edit/", "alice"),
        ("assessments:case_create", "/cases/new/", "bob"),
        ("meetings:meeting_detail", f"/board/meetings/{meeting}/?find=Searched", "carol"),
        ("assessments:case_reevaluate", f"/cases/{earlier.pk}/reevaluate/", "alice"),
        ("assessments:case_detail", f"/cases/{discarded.pk}/", "alice"),
    ]


def entries_on_page(user: Any, path: str) -> dict[str, list[str]]:
    """The entries of the case form on ``path`` as ``user`` sees it: what a working copy of it keeps."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    parser = PageParser(path)
    parser.feed(client.get(path).content.decode())
    parser.close()
    form = next(
        form for form in parser.forms if url_name(form.action) in {"assessments:case_edit", "assessments:case_create"}
    )
    # Without the save token: a kept copy restores what was typed, not a finished save.
    return {name: [field.value] for name, field in form.fields.items() if field.value and name != "save_token"}


TARGETS = sorted({name for name, route in APP_ROUTES if name and not route.startswith("admin/")})


@pytest.mark.parametrize("target", TARGETS)
def test_hostile_values_in_every_form_that_posts_here(walk, db, target):
    forms = [form for form in walk.forms.values() if url_name(form.action) == target]
    problems = []
    for form in forms:
        problems += fuzz(walk.clients[form.role], form)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_every_url_that_takes_a_post_has_a_form(walk, db):
    """A URL no page offers a form for is not fuzzed: it must refuse every POST (405, or 404 to every role)."""
    targeted = {url_name(form.action) for form in walk.forms.values() if form.method == "post"}
    unfuzzed = {}
    for name, path, role in walk.pages:
        if name in targeted or role == "anonymous":
            continue
        with rolled_back():
            status = walk.clients[role].post(path, {}).status_code
        if status not in {404, 405}:
            unfuzzed.setdefault(name, set()).add(f"{role} {path}: {status}")
    assert unfuzzed == {}


# --- A form the test has never heard of -----------------------------------------------------------

PROBE_PAGE = """{% extends "base.html" %}{% block content %}
<form method="post" action="/probe/">{% csrf_token %}
  <label for="id_dose">Dose (Gy)</label><input type="number" name="dose" id="id_dose" value="8">
  <button type="submit">Save</button>
</form>{% endblock %}"""


def probe(request: Any) -> Any:
    """A page with a new form whose view trusts its input: the kind of form the walk must catch."""
    from django.http import HttpResponse
    from django.shortcuts import redirect
    from django.template import engines

    if request.method == "POST":
        int(request.POST["dose"])  # a ValueError, or a MultiValueDictKeyError when missing: a 500
        return redirect("/probe/")
    return HttpResponse(engines["django"].from_string(PROBE_PAGE).render({}, request))


def probe_urls() -> list[Any]:
    from django.urls import path

    from escc_site.urls import urlpatterns

    return [*urlpatterns, path("probe/", probe, name="probe")]


urlpatterns = probe_urls()  # the site's URLs and the probe, for the test below only


def test_a_new_form_in_a_template_is_found_and_fuzzed(walk, db, settings):
    """The form is known only from the page's HTML; its field is fuzzed and its 500 reported."""
    settings.ROOT_URLCONF = __name__
    found = forms_on_pages(walk.clients, [("probe", "/probe/", "alice")])
    [form] = [form for form in found.values() if url_name(form.action) == "probe"]
    assert list(form.fields) == ["dose"] and form.fields["dose"].value == "8"
    problems = fuzz(walk.clients["alice"], form)
    assert any("field 'dose' wrong type: answered 500 ValueError" in problem for problem in problems), problems
    assert any("field 'dose' missing: answered 500" in problem for problem in problems), problems


# --- The JSON entry points -----------------------------------------------------------------------

RAW = "__raw_literal__"
# Each replaces one key's value; a str starting with RAW is written into the JSON text as it is.
JSON_HOSTILE: dict[str, Any] = {
    "text": "not a code",
    "number": 1,
    "fraction": 1.5,
    "true": True,
    "null": None,
    "list": ["true", "T6"],
    "object": {"value": "true"},
    "nested junk": {"a": [{"b": [1, {"c": None}, "\x00"]}, [[[]]]]},
    "NUL": "a\x00b",
    "over-long": "x" * 60_000,  # the file stays under the import's 64 KB
    "controls": "a\x07\x1b[31mb\u202e",
    "unknown code": "no_such_code",
    "1e309": RAW + "1e309",
    "NaN": RAW + "NaN",
    "10**30": RAW + str(10**30),
    "-10**30": RAW + str(-(10**30)),
    "5000 digits": RAW + "9" * 5000,
    "missing": MISSING,
}


def valid_case_file() -> dict[str, Any]:
    """A valid case of rule set 2027.1 (the spec's ex03, one lesion), as a case file holds it."""
    from tests.factories import ASSESSMENT

    case = {name: ASSESSMENT[name] for name in rules.CASE_FIELDS}
    lesion = {name: ASSESSMENT[name] for name in rules.LESION_FIELDS}
    return {"id": "hostile", **case, "lesions": [{**lesion, "index": True}]}


def json_text(document: Any) -> str:
    """The document as JSON, with RAW strings written as literals (numbers JSON cannot say otherwise)."""
    return re.sub(rf'"{RAW}([^"]*)"', r"\1", json.dumps(document))


def hostile_case_files() -> list[Any]:
    """(key path, what, JSON text) for each key of a valid case file (lesion keys and prognosis keys too)."""
    base = valid_case_file()
    keys = [*base, *rules.PROGNOSIS_FIELDS, "unknown_key"]
    lesion_keys = [*base["lesions"][0], "unknown_key"]
    out = []
    for what, value in JSON_HOSTILE.items():
        for key in keys:
            document = json.loads(json.dumps(base))
            if value is MISSING:
                if key not in document:
                    continue
                del document[key]
            else:
                document[key] = value
            out.append(pytest.param(key, what, json_text(document), id=f"{key}-{what}"))
        for key in lesion_keys:
            document = json.loads(json.dumps(base))
            if value is MISSING:
                if key not in document["lesions"][0]:
                    continue
                del document["lesions"][0][key]
            else:
                document["lesions"][0][key] = value
            out.append(pytest.param(f"lesions[0].{key}", what, json_text(document), id=f"lesions[0].{key}-{what}"))
    return out


CASE_FILES = hostile_case_files()


def test_the_base_case_file_is_valid(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json_text(valid_case_file()))
    out = io.StringIO()
    call_command("evaluate_case", str(path), stdout=out)
    assert json.loads(out.getvalue())["pathway"]["code"] == "separation_surgery_sbrt"


def named_in(key: str, errors: dict[str, list[str]]) -> bool:
    """An error on the key itself, on a part of it (``lesions[0].x`` inside ``lesions``), or saying its name."""
    bare = key.removeprefix("lesions[0].")
    return any(
        field == key or field.startswith(key + ".") or field.startswith(key + "[") or bare in " ".join(messages)
        for field, messages in errors.items()
    )


@pytest.mark.parametrize(("key", "what", "text"), CASE_FILES)
def test_evaluate_case_names_the_hostile_key(tmp_path, capsys, key, what, text):
    """Exit 0 with a result, or exit 1 with the key in ``errors``: never a traceback, never a file-level refusal."""
    path = tmp_path / "case.json"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    try:
        call_command("evaluate_case", str(path), stdout=out)
        code = 0
    except SystemExit as exit:
        code = exit.code
    result = json.loads(out.getvalue()) if out.getvalue() else None
    assert code in {0, 1}, f"exit {code}: {capsys.readouterr().err}"
    if code == 1:
        assert named_in(key, result["errors"]), result["errors"]
    else:
        assert "pathway" in result


@pytest.fixture
def importer(db):
    from tests.conftest import make_user

    client = Client()
    client.force_login(make_user("importer", "Clinician"))
    return client


# The import reads the same file through the same validation; a sample of the values keeps it quick.
IMPORT_VALUES = {"text", "true", "null", "nested junk", "NUL", "over-long", "1e309", "NaN", "10**30", "missing"}


@pytest.mark.parametrize(("key", "what", "text"), [p for p in CASE_FILES if p.values[1] in IMPORT_VALUES])
def test_case_import_names_the_hostile_key(importer, key, what, text):
    upload = io.BytesIO(text.encode())
    upload.name = "case.json"
    response = importer.post("/cases/import/", {"file": upload})
    assert response.status_code in {200, 422}
    if response.status_code == 422:
        shown = " ".join(error for _, error in parse("/cases/import/", response).errors)
        bare = key.removeprefix("lesions[0].")
        assert key in shown or bare in shown, shown[:500]
