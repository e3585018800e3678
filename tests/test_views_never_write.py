"""Views never write: every module that serves a URL leaves saving and the audit trail to services.

The view modules are found by walking the URL configuration (a new page's module is covered the day
its URL is added) and read as source: a call to a model or queryset writer, or to the audit writer,
fails here. The services they call are keyword-only, take the acting user as a ``User`` (not
``Any``) and never the request: the audit trail reads the request it is serving from its context
variable (``audit.services.current_request``).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

from tests.test_access import walk

PROJECT_APPS = ("accounts", "assessments", "audit", "board", "escc_site", "interop", "referrals")
# Calls that write a row: Django's model and queryset writers.
WRITERS = {"save", "create", "update", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
AUDIT_WRITERS = {"audit_record", "audit_record_many"}
# Parameters that name who acts or is acted on.
USER_PARAMS = {"user", "actor", "owner", "editor", "author", "signed_by", "created_by", "chair", "to_user", "recipient"}
USER_PARAMS |= {"admin"}


def _callback_module(callback) -> str:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return view_class.__module__
    return inspect.unwrap(callback).__module__


def view_modules() -> list[str]:
    """The project's modules that hold a callback of some URL (the admin's overridden pages included)."""
    found = {_callback_module(entry.callback) for _, _, entry in walk()}
    return sorted(name for name in found if name.split(".")[0] in PROJECT_APPS)


def writes_in(module_name: str) -> list[str]:
    """Each call in the module's source that writes a row or an audit entry, as ``file:line call``."""
    path = Path(importlib.import_module(module_name).__file__)
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if (isinstance(func, ast.Attribute) and name in WRITERS) or name in AUDIT_WRITERS:
            found.append(f"{path.name}:{node.lineno} {ast.unparse(func)}(...)")
    return found


VIEW_MODULES = view_modules()


def test_the_walk_finds_every_kind_of_view_module():
    assert {
        "accounts.admin", "accounts.two_factor", "accounts.views", "assessments.cases.views",
        "assessments.patients.views", "assessments.teams.views", "audit.views", "board.case_views",
        "board.views", "escc_site.views",
    } <= set(VIEW_MODULES)  # fmt: skip


@pytest.mark.parametrize("module_name", VIEW_MODULES)
def test_a_view_module_writes_nothing_itself(module_name):
    assert writes_in(module_name) == [], f"{module_name} writes; call a service (or the exports) instead"


def test_the_check_sees_a_write_in_a_view_module(tmp_path, monkeypatch):
    """The source check is not blind: a view that saves, deletes or audits is named with its line."""
    (tmp_path / "writing_views.py").write_text(
        "def view(request, case):\n"
        "    case.save()\n"
        "    Case.objects.filter(pk=1).update(status='x')\n"
        "    audit_record(action='case.view')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert writes_in("writing_views") == [
        "writing_views.py:2 case.save(...)",
        "writing_views.py:3 Case.objects.filter(pk=1).update(...)",
        "writing_views.py:4 audit_record(...)",
    ]


def services_modules() -> list[str]:
    """Every ``services`` module of the project's apps, at any depth."""
    names = []
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if info.name.rsplit(".", 1)[-1] == "services":
                names.append(info.name)
    return sorted(names)


def public_functions(module_name: str) -> list[tuple[str, inspect.Signature]]:
    module = importlib.import_module(module_name)
    return [
        (f"{module_name}.{name}", inspect.signature(function))
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module_name and not name.startswith("_")
    ]


SERVICES = [item for name in services_modules() for item in public_functions(name)]


def test_the_services_are_found():
    modules = {name.rsplit(".", 1)[0] for name, _ in SERVICES}
    assert {
        "accounts.services", "assessments.cases.services", "assessments.patients.services",
        "audit.services", "board.services",
    } <= modules  # fmt: skip


@pytest.mark.parametrize(("name", "signature"), SERVICES, ids=[name for name, _ in SERVICES])
def test_a_service_is_keyword_only_takes_a_typed_user_and_never_the_request(name, signature):
    params = signature.parameters.values()
    assert [p.name for p in params if p.kind is not inspect.Parameter.KEYWORD_ONLY] == [], "keyword-only"
    assert "request" not in signature.parameters, "take what is needed from the request, not the request"
    untyped = [
        f"{p.name}: {p.annotation}"
        for p in params
        if p.name in USER_PARAMS and ("Any" in str(p.annotation) or "User" not in str(p.annotation))
    ]
    assert untyped == [], "who acts is a User"
