"""A pytest plugin for mutmut's runs: worked cases only, and a test that loops for ever fails in seconds.

- Every hypothesis test is deselected, whatever its name: it draws new cases on every run, so a kill would not
  repeat (and 200 drawn referrals cost more than every worked case of a function together). The worked cases
  decide, as docs/mutation-testing.md says.
- While a mutant runs, each test may use ``TEST_CPU_SECONDS`` of CPU time. A mutant that loops (a day stepped
  the wrong way in ``reirradiation.add_months`` never reaches a valid date) makes its test fail there and then,
  which is a difference a clinician would see (no answer); mutmut's own limit is for the whole run of every test
  that reaches the function, so such a mutant held a worker for minutes. CPU time, not wall time: a machine
  shared with other work slows a test down without failing it. The slowest rules test takes under 4 s.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from types import FrameType

import pytest

TEST_CPU_SECONDS = 20.0


class TestUsedTooMuchCpu(BaseException):
    """A test of a mutant used more than ``TEST_CPU_SECONDS`` of CPU: the mutant never gives its answer.

    Not an ``Exception``: a rule's ``except Exception`` would let the loop go on.
    """


def _running_a_mutant() -> bool:
    return "__mutmut_" in os.environ.get("MUTANT_UNDER_TEST", "")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    drawn = [item for item in items if getattr(getattr(item, "obj", None), "is_hypothesis_test", False)]
    if drawn:
        config.hook.pytest_deselected(items=drawn)
        items[:] = [item for item in items if item not in drawn]


def _too_long(_signum: int, _frame: FrameType | None) -> None:
    raise TestUsedTooMuchCpu(f"more than {TEST_CPU_SECONDS:.0f} s of CPU in one test")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    if not _running_a_mutant():
        yield
        return
    previous = signal.signal(signal.SIGVTALRM, _too_long)
    signal.setitimer(signal.ITIMER_VIRTUAL, TEST_CPU_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)
