"""Every form of every page, in Chromium: errors are seen, Enter adds or removes nothing, nothing typed is lost.

The pages are the URL walk's (``tests.test_hostile_input``: every app URL over the seeded data set, per role),
so a form added to a template is checked without a line here. Chromium talks to the Django test client
in this process (each request is routed to it), so the browser sees the seeded data inside the test's
transaction and no server is started.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import traceback
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, Route, expect

from tests.test_hostile_input import Form, rolled_back, walk  # noqa: F401  (``walk`` is a fixture)
from tests.test_page_snapshots import seeded  # noqa: F401  (a fixture ``walk`` uses)

ORIGIN = "http://testserver"
SITE = re.compile(r"^http://testserver/")
# Inputs of one line: Enter in them is "implicit submission" (HTML standard, 4.10.21.2).
SINGLE_LINE = (
    "input:not([type]), input[type=text], input[type=search], input[type=email], input[type=url], "
    "input[type=tel], input[type=password], input[type=number], input[type=date], input[type=time], "
    "input[type=datetime-local], input[type=month], input[type=week]"
)


class Routed:
    """Answers every request of a browser tab from a Django test client (logged in as that client is)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.client: Client | None = None
        self.context = contextvars.copy_context()
        self.where = ""
        self.held: list[Route] | None = None  # live updates kept waiting while this is a list
        page.route(SITE, self.answer)

    def answer(self, route: Route) -> None:
        request = route.request
        if self.held is not None and request.headers.get("hx-request"):
            self.held.append(route)
            return
        path = request.url.removeprefix(ORIGIN)
        headers = {name: value for name, value in request.headers.items() if name.lower().startswith("hx-")}
        try:
            response = self.send(request.method, path, request.post_data_buffer or b"",
                                 request.headers.get("content-type", "application/octet-stream"), headers)  # fmt: skip
            # Chromium does not route the request a routed redirect leads to: follow it here (the address bar
            # keeps the first address; ``where`` says where the page is).
            while response.status_code in {301, 302, 303}:
                path = urljoin(path, response["Location"])
                response = self.send("GET", path, b"", "application/octet-stream", headers)
        except Exception:  # the test client re-raises a view's exception: the page shows it as a 500
            route.fulfill(status=500, content_type="text/plain", body=traceback.format_exc())
            return
        if request.resource_type == "document":
            self.where = path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        route.fulfill(status=response.status_code, headers=dict(response.items()), body=body)

    def send(self, method: str, path: str, body: bytes, content_type: str, headers: dict[str, str]) -> Any:
        # Playwright calls the route in a greenlet of its own, whose context variables would give Django a
        # database connection of its own, outside the test's transaction: send in the test's context.
        assert self.client is not None
        return self.context.run(self.client.generic, method, path, data=body, content_type=content_type,
                                headers=headers)  # fmt: skip


@pytest.fixture(scope="module")
def tab(browser: Browser) -> Iterator[Page]:
    """One browser tab for the module (a new tab per page would cost more than the checks)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.routed = Routed(page)  # type: ignore[attr-defined]
    yield page
    context.close()


@contextlib.contextmanager
def undone(client: Client) -> Iterator[None]:
    """What the browser does inside is rolled back after, and the client keeps its session (a form may log out)."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    try:
        with rolled_back():
            yield
    finally:
        client.cookies = cookies


def open_page(tab: Page, client: Client, path: str) -> Page:
    tab.routed.client = client  # type: ignore[attr-defined]
    tab.routed.context = contextvars.copy_context()  # type: ignore[attr-defined]
    tab.goto(ORIGIN + path)
    return tab


# --- What the walk found ------------------------------------------------------------------------------


def pages_with_forms(found: Any) -> dict[tuple[str, str], list[Form]]:
    """The distinct forms, grouped by the page (path, role) each was first found on."""
    out: dict[tuple[str, str], list[Form]] = {}
    for form in found.forms.values():
        # An element posting another form's entries (the working copy) has no fields of its own to guard.
        if (form.role != "anonymous" or form.method == "post") and not form.element:
            out.setdefault((form.found_on, form.role), []).append(form)
    return out


# In the page: each form's fields as the user sees them, and what a value typed into one becomes.
FIELDS_JS = """form => Array.from(form.elements).filter(el => el.name && !el.disabled).map(el => ({
  name: el.name, tag: el.tagName.toLowerCase(), type: (el.getAttribute("type") || "").toLowerCase(),
  inputmode: el.getAttribute("inputmode") || "", limit: el.dataset.maxlength || "",
  shown: el.type !== "hidden" && el.checkVisibility(),
  value: (el.type === "radio" || el.type === "checkbox") ? (el.checked ? el.value : null) : el.value,
}))"""

LABEL_JS = """el => {
  const ids = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
  const group = el.closest("[role=radiogroup][aria-labelledby]");
  const legend = el.type === "radio" && el.closest("fieldset") && el.closest("fieldset").querySelector("legend");
  const texts = legend ? [legend.textContent] : group ? [document.getElementById(group.getAttribute("aria-labelledby")).textContent]
    : el.labels && el.labels.length ? Array.from(el.labels).map(l => l.textContent)
    : ids.length ? ids.map(id => (document.getElementById(id) || {}).textContent || "")
    : group ? [document.getElementById(group.getAttribute("aria-labelledby")).textContent] : [];
  return texts.join(" ").replace(/\\*/g, "").replace(/\\s+/g, " ").trim();
}"""

# Each element the field's aria-describedby names: its text, whether it is seen, and where it is.
DESCRIBED_JS = """field => {
  // A group of radio buttons is described as a whole (its fieldset or radiogroup).
  const el = field.type === "radio" ? (field.closest("fieldset[aria-describedby], [role=radiogroup]") || field) : field;
  return (el.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean).map(id => {
  const d = document.getElementById(id);
  if (!d) return {id, missing: true};
  d.scrollIntoView({block: "center", behavior: "instant"});
  const box = d.getBoundingClientRect(), own = el.getBoundingClientRect();
  return {id, text: d.textContent.replace(/\\s+/g, " ").trim(),
          seen: d.checkVisibility({opacityProperty: true, visibilityProperty: true}) && box.height > 0
                && box.bottom > 0 && box.top < window.innerHeight,
          gap: box.top >= own.top ? box.top - own.bottom : own.top - box.bottom};
  });
}"""


def form_handle(page: Page, form: Form) -> Any:
    """The page's <form> the walk knew: same method and target, the most field names in common (a script may
    add or drop some, and the walk also reads the fields of a card's <template>)."""
    handle = page.evaluate_handle(
        """([names, method, action]) => {
          let best = null, most = -1;
          for (const f of document.forms) {
            if ((f.getAttribute("method") || "get").toLowerCase() !== method) continue;
            // (getAttribute: a field named "action" hides the form's own property.)
            const path = a => new URL(a || location.href, location.href).pathname;
            const targets = [f.getAttribute("action"), ...Array.from(f.querySelectorAll("[formaction]"),
                                                                     b => b.getAttribute("formaction"))];
            if (!targets.some(t => path(t) === path(action))) continue;
            const shared = Array.from(f.elements).filter(e => e.name && names.includes(e.name)).length;
            if (shared > most) { best = f; most = shared; }
          }
          return best;
        }""",
        [sorted(form.fields), form.method, form.action],
    )
    return handle.as_element()


def named_in(label: str, text: str) -> bool:
    """Whether the error's text names the field: its label, the label without its brackets, or what is in them."""
    words = {label, re.sub(r"\s*\(.*?\)", "", label).strip(), *re.findall(r"\((.*?)\)", label)}
    return any(w and re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.IGNORECASE) for w in words)


def invalid_value(field: dict[str, Any]) -> str | None:
    """A value the user can type that the field must refuse, or None for a field nothing typed can make invalid."""
    if not field["shown"] or field["tag"] not in {"input", "textarea"}:
        return None
    if field["type"] == "number" or field["inputmode"] in {"numeric", "decimal"}:
        return "3e"
    if field["limit"]:
        return "x" * (int(field["limit"]) + 1)
    return None


SUBMIT_JS = """form => {
  const buttons = Array.from(form.elements).filter(e => e.type === "submit");
  const save = buttons.find(b => b.value === "save") || buttons.find(b => b.classList.contains("btn-primary"));
  form.requestSubmit(save || undefined);
}"""


def kept_entries(fields: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted((f["name"], f["value"]) for f in fields if f["shown"] and f["value"] is not None)


def refusal_problems(page: Page, client: Client, path: str, form: Form, name: str, value: str) -> list[str]:
    """Type the value into the field, save, and say what is wrong with what comes back."""
    where = f"{path} ({form.role}) field {name!r} given {value[:12]!r}{'...' if len(value) > 12 else ''}"
    open_page(page, client, path)
    handle = form_handle(page, form)
    field = handle.evaluate_handle("(f, n) => f.elements.namedItem(n)", name).as_element()
    try:
        field.fill(value)
    except Exception as error:  # Chromium refuses to put text into <input type=number>
        return [f"{where}: cannot be typed ({str(error).splitlines()[0][:100]})"]
    if field.evaluate("el => new FormData(el.form).get(el.name)") != value:
        return [f"{where}: the form would not send what was typed"]
    described_before = {d["id"] for d in field.evaluate(DESCRIBED_JS)}
    before = kept_entries(handle.evaluate(FIELDS_JS))
    with page.expect_navigation():
        handle.evaluate(SUBMIT_JS)
    handle = form_handle(page, form)
    if handle is None:
        return [f"{where}: accepted (the form is gone from {page.routed.where})"]  # type: ignore[attr-defined]
    field = handle.evaluate_handle("(f, n) => f.elements.namedItem(n)", name).as_element()
    label = field.evaluate(LABEL_JS)
    errors = [d for d in field.evaluate(DESCRIBED_JS) if not d.get("missing") and d["id"] not in described_before]
    problems = []
    if not errors:
        problems.append(f"{where}: no error tied to the field by aria-describedby")
    for error in errors:
        if not error["seen"]:
            problems.append(f"{where}: the error {error['id']} is not visible: {error['text'][:80]!r}")
        if not named_in(label, error["text"]):
            problems.append(f"{where}: the error does not name the field {label!r}: {error['text'][:120]!r}")
        if error["gap"] > 120:
            problems.append(f"{where}: the error is {error['gap']:.0f} px away from the field")
    after = kept_entries(handle.evaluate(FIELDS_JS))
    if after != before:
        lost = sorted(set(before) - set(after))[:4]
        problems.append(f"{where}: entries not kept: {[(n, (v or '')[:20]) for n, v in lost]}")
    return problems


def marked_problems(page: Page, client: Client, path: str, form: Form) -> list[str]:
    """Save with every text box empty: each field the page then marks invalid shows its error, seen and named.

    (A required box left empty is refused by the server alone: no script may unmark it or hide its error.)"""
    open_page(page, client, path)
    handle = form_handle(page, form)
    boxes = [b for b in handle.query_selector_all("input[type=text], input:not([type]), textarea") if b.is_visible()]
    if not boxes:
        return []
    for box in boxes:
        box.fill("")
    with page.expect_navigation():
        handle.evaluate(SUBMIT_JS)
    handle = form_handle(page, form)
    if handle is None:
        return []
    problems, seen = [], set()
    for field in handle.query_selector_all("[aria-invalid=true][name]"):
        name, label = field.get_attribute("name"), field.evaluate(LABEL_JS)
        if name in seen:
            continue
        seen.add(name)
        errors = [d for d in field.evaluate(DESCRIBED_JS) if not d.get("missing") and named_in(label, d["text"])]
        if not any(e["seen"] and e["gap"] <= 120 for e in errors):
            problems.append(f"{path} ({form.role}) field {name!r} left empty: marked invalid, but no error naming "
                            f"{label!r} is seen next to it: {[(e['text'][:60], e['seen']) for e in errors]}")  # fmt: skip
    return problems


def test_every_invalid_entry_shows_a_visible_named_error_next_to_its_field(walk, db, tab):  # noqa: F811
    """Each field a typed value can make invalid, in every form of every page: the error is seen, tied, named."""
    problems, checked = [], 0
    for (path, role), forms in pages_with_forms(walk).items():
        for form in forms:
            open_page(tab, walk.clients[role], path)
            handle = form_handle(tab, form)
            if handle is None:
                problems.append(f"{path} ({role}): the browser shows no form posting to {form.action}")
                continue
            client = walk.clients[role]
            fields = handle.evaluate(FIELDS_JS)
            if form.method == "post":
                with undone(client):
                    problems += marked_problems(tab, client, path, form)
            for field in fields:
                value = invalid_value(field)
                if value is not None:
                    checked += 1
                    with undone(client):
                        problems += refusal_problems(tab, client, path, form, field["name"], value)
    assert checked > 10, "the walk found too few fields to check"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


# The submissions Enter starts: recorded, and held back while ``__hold`` is set.
WATCH_SUBMITS_JS = """() => {
  window.__submits = []; window.__hold = true;
  window.addEventListener("submit", e => {
    const b = e.submitter;
    window.__submits.push(b ? `${b.name || "(no name)"}=${b.value} "${b.textContent.trim()}"` : "(no button)");
    if (window.__hold) { e.preventDefault(); e.stopImmediatePropagation(); }
  }, true);
}"""

ALL_FIELD_NAMES_JS = """() => Array.from(document.querySelectorAll("form [name], [form][name]"))
  .filter(e => !["csrfmiddlewaretoken"].includes(e.name) && !["submit", "button"].includes(e.type))
  .map(e => e.name).sort()"""


def enter_problems(page: Page, client: Client, path: str, form: Form) -> list[str]:
    """Enter in each single-line input of the form: what it does on the page, what it submits, and that
    neither adds nor removes anything."""
    where = f"{path} ({form.role})"

    def fresh() -> Any:
        open_page(page, client, path)
        page.evaluate(WATCH_SUBMITS_JS)
        return form_handle(page, form)

    def changed(before: list[str], after: list[str]) -> str:
        added, removed = sorted(set(after) - set(before))[:3], sorted(set(before) - set(after))[:3]
        return f"added {added} removed {removed}"

    handle = fresh()
    if handle is None:
        return [f"{where}: the browser shows no form posting to {form.action}"]
    names = [i.get_attribute("name") for i in handle.query_selector_all(SINGLE_LINE) if i.is_visible()]
    started: dict[str, str] = {}
    problems = []
    for name in names:
        element = handle.evaluate_handle("(f, n) => f.elements.namedItem(n)", name).as_element()
        before = page.evaluate(ALL_FIELD_NAMES_JS)
        element.press("Enter")
        after = page.evaluate(ALL_FIELD_NAMES_JS)
        if after != before:  # a script answered Enter (a button's click handler, say)
            problems.append(f"{where}: Enter in {name!r} changed the page: {changed(before, after)}")
            handle = fresh()
            continue
        for submit in page.evaluate("() => window.__submits.splice(0)"):
            started.setdefault(submit, name)
    for submit, name in started.items():
        open_page(page, client, path)
        before = page.evaluate(ALL_FIELD_NAMES_JS)
        handle = form_handle(page, form)
        element = handle.evaluate_handle("(f, n) => f.elements.namedItem(n)", name).as_element()
        with page.expect_navigation():
            element.press("Enter")
        if page.routed.where.split("?")[0] == path.split("?")[0]:  # type: ignore[attr-defined]
            after = page.evaluate(ALL_FIELD_NAMES_JS)
            if after != before:
                problems.append(f"{where}: Enter in {name!r} sent {submit}: {changed(before, after)}")
    return problems


def test_enter_in_a_single_line_input_never_adds_or_removes_anything(walk, db, tab):  # noqa: F811
    """What Enter submits (a scanner sends one after each code) leaves the form's parts as they were."""
    problems = []
    for (path, role), forms in pages_with_forms(walk).items():
        for form in forms:
            with undone(walk.clients[role]):
                problems += enter_problems(tab, walk.clients[role], path, form)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_no_input_can_cut_or_drop_what_is_typed(walk, db):  # noqa: F811
    """No page has a maxlength (it cuts silently) or an <input type=number> (it sends "" for "3e")."""
    problems = []
    for path, role in pages_with_forms(walk):
        html = walk.clients[role].get(path).content.decode()
        for tag in re.findall(r"<(?:input|textarea)\b[^>]*>", html):
            if re.search(r"\smaxlength=", tag) or re.search(r'\stype="number"', tag):
                problems.append(f"{path} ({role}): {tag[:160]}")
    assert not problems, "\n".join(problems)


# --- The case form's own cases -------------------------------------------------------------------------

# Puts a whole case's entries (``tests.factories.form_post``) into the case form, as a user would choose them.
FILL_JS = """data => {
  const form = document.getElementById("case-form");
  for (const [name, value] of Object.entries(data)) {
    const field = form.elements.namedItem(name);
    if (!field || field.type === "hidden") continue;
    if (field instanceof RadioNodeList) {
      for (const radio of field) radio.checked = radio.value === value;
    } else {
      field.value = value;
    }
  }
}"""


def test_a_known_mrn_with_another_name_shows_the_error_in_red_next_to_the_name(walk, db, tab):  # noqa: F811
    """A known MRN with another name: the page says to check the fields in red, and the MRN is red with its reason."""
    from tests.factories import form_post

    page = open_page(tab, walk.clients["alice"], "/cases/new/")
    page.evaluate(FILL_JS, form_post(mrn="H1234567", patient_name="Someone Else"))
    with page.expect_navigation():
        page.get_by_role("button", name="Save case").click()
    expect(page.locator("#form-errors")).to_be_visible()
    name = page.get_by_label("Patient name")
    expect(name).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(name).to_have_attribute("aria-describedby", re.compile(r"\bid_patient_name_error\b"))
    expect(page.locator("#id_patient_name_error")).to_be_visible()
    expect(page.locator("#id_patient_name_error")).to_contain_text(
        "Patient name: the patient record for this MRN has Ann Example."
    )
    expect(page.get_by_label("Hospital number (MRN)")).to_have_value("H1234567")
    expect(page.get_by_label("Patient name")).to_have_value("Someone Else")


def test_the_length_counter_leaves_a_server_error_shown(walk, db, tab):  # noqa: F811
    """An empty MRN: refused, and typing in the box (the counter runs) keeps the field marked until saved."""
    page = open_page(tab, walk.clients["alice"], "/cases/new/")
    page.get_by_label("Patient name").fill("No Number")
    with page.expect_navigation():
        page.get_by_role("button", name="Save case").click()
    mrn = page.get_by_label("Hospital number (MRN)")
    expect(page.locator("#id_mrn_error")).to_be_visible()
    mrn.press_sequentially("H1")
    expect(mrn).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#id_mrn_error")).to_be_visible()


def test_enter_without_javascript_updates_the_result_and_adds_no_lesion(walk, db, browser):  # noqa: F811
    """With scripts off, Enter after the MRN submits the form's first button: "Update result", not "Add a lesion"."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    routed = Routed(page)
    try:
        routed.client = walk.clients["alice"]
        page.goto(ORIGIN + "/cases/new/")
        page.get_by_label("Hospital number (MRN)").fill("H7654321")
        page.get_by_label("Hours since loss of ambulation").fill("12")
        with page.expect_navigation():
            page.get_by_label("Hospital number (MRN)").press("Enter")
        expect(page.locator("[name^='lesions-1-']")).to_have_count(0)
        expect(page.locator("[name='lesions-0-spinal_level']")).to_have_count(1)
        expect(page.get_by_label("Hospital number (MRN)")).to_have_value("H7654321")
        expect(page.get_by_label("Hours since loss of ambulation")).to_have_value("12")
        assert routed.where == "/cases/new/"
    finally:
        context.close()


def test_a_number_typed_wrong_is_refused_by_name_never_saved_as_not_recorded(walk, db, tab):  # noqa: F811
    """ "3e" and "1O" in the hours box reach the server as typed and come back refused, naming the field and range."""
    for typed in ("3e", "1O"):
        page = open_page(tab, walk.clients["alice"], "/cases/new/")
        hours = page.get_by_label("Hours since loss of ambulation")
        hours.fill(typed)
        with page.expect_navigation():
            page.get_by_role("button", name="Save case").click()
        expect(hours).to_have_value(typed)
        expect(page.locator("#id_hours_nonambulatory_error")).to_be_visible()
        expect(page.locator("#id_hours_nonambulatory_error")).to_contain_text(
            f'Hours since loss of ambulation: "{typed}" is not a whole number. '
            "Give a whole number from 0 to 43800 hours (5 years)."
        )


def test_the_result_panel_is_marked_out_of_date_while_an_update_is_on_its_way(walk, db, tab):  # noqa: F811
    page = open_page(tab, walk.clients["alice"], "/cases/new/")
    updating = page.get_by_test_id("result-updating")
    expect(updating).to_be_hidden()
    tab.routed.held = []  # type: ignore[attr-defined]
    try:
        page.locator("#id_lesions-0-spinal_level").select_option("T12")
        expect(updating).to_be_visible()
        expect(updating).to_have_attribute("role", "status")
        expect(page.locator("#result-panel")).to_have_attribute("aria-busy", "true")
        held, tab.routed.held = tab.routed.held, None  # type: ignore[attr-defined]
        for route in held:
            tab.routed.answer(route)  # type: ignore[attr-defined]
    finally:
        tab.routed.held = None  # type: ignore[attr-defined]
    expect(page.get_by_test_id("sins-total")).to_have_text("3")
    expect(updating).to_be_hidden()
    expect(page.locator("#result-panel")).not_to_have_attribute("aria-busy", "true")
