"""A pytest plugin for mutmut's runs: every memo cache of the tests and the rules is emptied when a session starts.

mutmut forks each mutant's run from a process that has already run the tests once, so a result a test module
memoised (``functools.cache``) would still be the unmutated engine's answer and the mutant would seem to survive.
"""

from __future__ import annotations

import sys

import pytest

_PACKAGES = ("tests.", "assessments.")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    for name, module in list(sys.modules.items()):
        if not name.startswith(_PACKAGES) or module is None:
            continue
        for value in list(vars(module).values()):
            cache_clear = getattr(value, "cache_clear", None)
            if callable(cache_clear) and getattr(value, "__module__", None) == name:
                cache_clear()
