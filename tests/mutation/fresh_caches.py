"""A pytest plugin for mutmut's runs: every memo cache of the tests and the rules is emptied once tests are collected.

mutmut forks each mutant's run from a process that has already run the tests once, so a result a test module
memoised (``functools.cache``) would still be the unmutated engine's answer and the mutant would seem to survive.
Emptied after collection, not before: a parametrization that evaluates the golden cases fills the cache while
collecting, and mutmut would then credit those evaluations to no test (it maps each function to the tests that
ran it), so the words' snapshots would never be run against the rules' mutants. And emptied before every test
while mutmut measures which tests reach which function: otherwise only the first test that reads the memoised
golden results is credited with every rule, and a mutant is run against that one case's snapshot alone.
"""

from __future__ import annotations

import os
import sys

import pytest

_PACKAGES = ("tests.", "assessments.")


def _empty_the_caches() -> None:
    for name, module in list(sys.modules.items()):
        if not name.startswith(_PACKAGES) or module is None:
            continue
        for value in list(vars(module).values()):
            cache_clear = getattr(value, "cache_clear", None)
            if callable(cache_clear) and getattr(value, "__module__", None) == name:
                cache_clear()


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    _empty_the_caches()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if os.environ.get("MUTANT_UNDER_TEST") == "stats":
        _empty_the_caches()
