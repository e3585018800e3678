"""A pytest plugin for mutmut's runs: every memo cache of the tests and the rules is emptied once tests are collected.

mutmut forks each mutant's run from a process that has already run the tests once, so a result a test module
memoised (``functools.cache``) would still be the unmutated engine's answer and the mutant would seem to survive.
Emptied after collection, not before: a parametrization that evaluates the golden cases fills the cache while
collecting, and mutmut would then credit those evaluations to no test (it maps each function to the tests that
ran it), so the words' snapshots would never be run against the rules' mutants.
"""

from __future__ import annotations

import sys

import pytest

_PACKAGES = ("tests.", "assessments.")


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    for name, module in list(sys.modules.items()):
        if not name.startswith(_PACKAGES) or module is None:
            continue
        for value in list(vars(module).values()):
            cache_clear = getattr(value, "cache_clear", None)
            if callable(cache_clear) and getattr(value, "__module__", None) == name:
                cache_clear()
