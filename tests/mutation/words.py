"""The mutations mutmut does not make: the words and sources of the rules, each checked to make a rules test fail.

mutmut mutates the code inside undecorated functions and leaves alone what runs at import (the texts and sources of
``texts.py``, every module-level table), the interned fact constructors of ``facts.py`` (decorated with ``@cache``)
and every f-string. This script makes those mutants in every module of ``assessments/rules/``, ``referral/``
included (found by directory, so a new module is mutated the day it is added):

- ``blank``: a string of words (one with a space in it; codes are single words and mutmut's own business where
  they are mutated) outside mutmut's reach becomes ``""``; so does each literal part of any f-string;
- ``drop``: a replacement field of an f-string is left out (``f"{field} is {code}"`` loses ``{code}``);
- ``swap-source``: each place a rule names its source (``SRC_*``) names the next different source of its own
  package's ``texts.py`` instead;
- ``swap-entry``: the texts, and separately the sources, of two neighbouring entries of a table of notes
  (``ALERT_TEXTS``) change places.

Each mutant runs in a process of its own, forked from one that has loaded pytest and the test tools but none of
the project: the child loads the mutated module in place of the file and runs the rules tests (the same selection
as ``[tool.mutmut]`` in pyproject.toml) with ``-x``. A failing test kills the mutant; a stage of a run over the
limit of CPU time counts as killed too, like mutmut's timeouts (CPU time, so a machine busy with other work slows a
run down without ending it; a run that spends ``WALL_FACTOR`` times the limit in wall time is stopped all the same). Known equivalent mutants are listed in ``EQUIVALENT`` with the reason
(docs/mutation-testing.md), and are run all the same: one that starts to be killed is reported, so the list stays
true. The exit status is 1 when a mutant not on that list survives.

    .venv/bin/python -m tests.mutation.words [--jobs 2] [--timeout 120] [--only SUBSTRING ...] [--list]
"""

from __future__ import annotations

import argparse
import ast
import copy
import dataclasses
import importlib.abc
import importlib.util
import math
import os
import resource
import signal
import sys
import time
import tomllib
import traceback
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "assessments" / "rules"

# Mutants that no test can tell from the original, by id (see docs/mutation-testing.md for each reason).
EQUIVALENT: dict[str, str] = {}


@dataclasses.dataclass(frozen=True)
class Mutant:
    module: str
    path: Path
    line: int
    kind: str
    what: str
    tree: ast.Module

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}:{self.kind}:{self.what}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def target_files() -> list[Path]:
    return sorted(RULES.rglob("*.py"))


# ---------------------------------------------------------------------------------------------------------------
# Where mutmut does not reach
# ---------------------------------------------------------------------------------------------------------------


def _mutmut_mutates(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """mutmut mutates a module's functions and its classes' methods unless they carry a decorator other than
    ``staticmethod``/``classmethod``."""
    names = [d.id for d in function.decorator_list if isinstance(d, ast.Name)]
    return not function.decorator_list or (
        len(function.decorator_list) == 1 and names in (["staticmethod"], ["classmethod"])
    )


def _reached_by_mutmut(tree: ast.Module) -> set[int]:
    """The ids of every node inside a function mutmut mutates."""
    reached: set[int] = set()
    tops: list[ast.AST] = []
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            tops.append(statement)
        elif isinstance(statement, ast.ClassDef):
            tops.extend(s for s in statement.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef))
    for function in tops:
        assert isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        if _mutmut_mutates(function):
            reached.update(id(node) for node in ast.walk(function))
    return reached


def _skipped(tree: ast.Module) -> set[int]:
    """Docstrings, annotations, ``__all__`` and f-string format specs: no words a reader sees."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            skipped.add(id(first.value))
        for annotation in (getattr(node, "annotation", None), getattr(node, "returns", None)):
            if annotation is not None:
                skipped.update(id(n) for n in ast.walk(annotation))
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            skipped.update(id(n) for n in ast.walk(node.value))
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            skipped.update(id(n) for n in ast.walk(node.format_spec))
    return skipped


# ---------------------------------------------------------------------------------------------------------------
# The mutants
# ---------------------------------------------------------------------------------------------------------------


def _source_names(texts: Path) -> dict[str, str]:
    """Every ``SRC_*`` constant of one package's ``texts.py`` with its text, read from its own assignments."""
    namespace: dict[str, object] = {}
    found: dict[str, str] = {}
    tree = ast.parse(texts.read_text(encoding="utf-8"))
    for statement in tree.body:
        target, value = None, None
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value:
            target, value = statement.target.id, statement.value
        elif isinstance(statement, ast.Assign) and [type(t) for t in statement.targets] == [ast.Name]:
            target, value = statement.targets[0].id, statement.value  # type: ignore[attr-defined]
        if target is None or value is None:
            continue
        try:
            evaluated = eval(compile(ast.Expression(value), str(texts), "eval"), {}, namespace)  # noqa: S307
        except Exception:  # noqa: S112 - a table that needs the codes: not a source
            continue
        namespace[target] = evaluated
        if target.startswith("SRC_") and isinstance(evaluated, str):
            found[target] = evaluated
    return found


def _source_lines(texts: Path) -> dict[str, int]:
    """The line each ``SRC_*`` constant of a package's ``texts.py`` is assigned on."""
    lines: dict[str, int] = {}
    for statement in ast.parse(texts.read_text(encoding="utf-8")).body:
        targets = [statement.target] if isinstance(statement, ast.AnnAssign) else getattr(statement, "targets", [])
        for target in targets:
            if isinstance(target, ast.Name) and target.id.startswith("SRC_"):
                lines[target.id] = statement.lineno
    return lines


def _with(tree: ast.Module, index: int, change) -> ast.Module:
    """A copy of ``tree`` with ``change`` applied to its ``index``-th node (in ``ast.walk`` order)."""
    mutated = copy.deepcopy(tree)
    node = next(n for i, n in enumerate(ast.walk(mutated)) if i == index)
    change(node, mutated)
    ast.fix_missing_locations(mutated)
    return mutated


def _parent_of(tree: ast.Module, target: ast.AST) -> tuple[ast.AST, str, int | None]:
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is target:
                return parent, field, None
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is target:
                        return parent, field, i
    raise LookupError(target)


def _replace(tree: ast.Module, target: ast.AST, new: ast.AST | None) -> None:
    parent, field, position = _parent_of(tree, target)
    if position is None:
        setattr(parent, field, new)
    elif new is None:
        getattr(parent, field).pop(position)
    else:
        getattr(parent, field)[position] = new


def _short(text: str) -> str:
    return text if len(text) <= 40 else " ".join(text.split())[:37] + "..."


def mutants_of(path: Path, sources: dict[str, str]) -> Iterator[Mutant]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    reached, skipped = _reached_by_mutmut(tree), _skipped(tree)
    module = module_name(path)
    nodes = list(ast.walk(tree))
    in_fstring = {id(part) for node in nodes if isinstance(node, ast.JoinedStr) for part in node.values}
    source_order = list(sources)
    texts = path.parent / "texts.py"
    source_lines = _source_lines(texts)

    def make(line: int, kind: str, what: str, mutated: ast.Module) -> Mutant:
        return Mutant(module, path, line, kind, what, mutated)

    for index, node in enumerate(nodes):
        if id(node) in skipped:
            continue
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
            words = " " in node.value.strip() or id(node) in in_fstring
            if words and (id(node) not in reached or id(node) in in_fstring):

                def blank(n: ast.AST, _tree: ast.Module) -> None:
                    n.value = ""  # type: ignore[attr-defined]

                yield make(line, "blank", repr(_short(node.value)), _with(tree, index, blank))
        elif isinstance(node, ast.FormattedValue) and id(node) in in_fstring:

            def drop(n: ast.AST, mutated: ast.Module) -> None:
                _replace(mutated, n, None)

            yield make(line, "drop", ast.unparse(node.value), _with(tree, index, drop))
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in sources:
            # In texts.py only a source defined above is there to name; elsewhere the mutant imports the one it
            # names, so the swap is a wrong source and never a NameError.
            start = source_order.index(node.id)
            candidates = source_order[start + 1 :] + source_order[:start]
            if path.name == "texts.py":
                candidates = [n for n in candidates if source_lines[n] < line]
            other = next((n for n in candidates if sources[n] != sources[node.id]), None)
            if other is not None:

                def swap(n: ast.AST, mutated: ast.Module, other: str = other) -> None:
                    n.id = other  # type: ignore[attr-defined]
                    if path.name != "texts.py":
                        after = sum(
                            1
                            for s in mutated.body
                            if (isinstance(s, ast.ImportFrom) and s.module == "__future__")
                            or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
                        )
                        names = [ast.alias(other)]
                        mutated.body.insert(after, ast.ImportFrom(module_name(texts), names, 0))

                yield make(line, "swap-source", f"{node.id}->{other}", _with(tree, index, swap))
        elif isinstance(node, ast.Dict) and len(node.values) > 1:
            calls = [v for v in node.values if isinstance(v, ast.Call) and isinstance(v.func, ast.Name)]
            if len(calls) != len(node.values) or len({c.func.id for c in calls}) != 1:  # type: ignore[attr-defined]
                continue
            for i in range(len(calls) - 1):
                first, second = calls[i], calls[i + 1]
                parts = ("text", "source") if first.func.id == "Note" else ("value", "second value")  # type: ignore[attr-defined]
                for position, part in enumerate(parts):
                    if len(first.args) <= position or len(second.args) <= position:
                        continue
                    if ast.dump(first.args[position]) == ast.dump(second.args[position]):
                        continue

                    def swap_entries(n: ast.AST, _tree: ast.Module, i: int = i, position: int = position) -> None:
                        a, b = n.values[i], n.values[i + 1]  # type: ignore[attr-defined]
                        a.args[position], b.args[position] = b.args[position], a.args[position]

                    key = ast.unparse(node.keys[i]) if node.keys[i] is not None else str(i)
                    yield make(
                        first.lineno, "swap-entry", f"{part} of {key} and the next", _with(tree, index, swap_entries)
                    )


def every_mutant() -> list[Mutant]:
    """Each module's mutants; a rule swaps its source for another of its own package's ``texts.py``.

    The same change made twice on one line (two f-strings alike) is told apart by its place: ``(2)``, ``(3)``.
    """
    mutants: list[Mutant] = []
    seen: dict[str, int] = {}
    for path in target_files():
        for mutant in mutants_of(path, _source_names(path.parent / "texts.py")):
            seen[mutant.id] = seen.get(mutant.id, 0) + 1
            if seen[mutant.id] > 1:
                mutant = dataclasses.replace(mutant, what=f"{mutant.what} ({seen[mutant.id]})")
            mutants.append(mutant)
    return mutants


# ---------------------------------------------------------------------------------------------------------------
# Running them
# ---------------------------------------------------------------------------------------------------------------


# The snapshots of every reason's words and source (the first two files of the selection: the assessment's, then
# the referral's) run first, on their own: most mutants fail there, and starting them costs a fraction of the
# whole selection. A mutant that passes meets the rest.
FIRST_STAGE = 2


def pytest_stages() -> list[list[str]]:
    """The rules tests and options of ``[tool.mutmut]`` (both runs test the same way), in two stages; ``-x``."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    files = config["pytest_add_cli_args_test_selection"]
    options = [*config["pytest_add_cli_args"], "-x", "-q", "--no-header", "-p", "no:randomly"]
    return [[*files[:FIRST_STAGE], *options], [*files[FIRST_STAGE:], *options]]


class _MutatedModule(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, mutant: Mutant) -> None:
        self.mutant = mutant
        self.code = compile(mutant.tree, str(mutant.path), "exec")

    def find_spec(self, fullname, path, target=None):
        if fullname != self.mutant.module:
            return None
        package = [str(self.mutant.path.parent)] if self.mutant.path.name == "__init__.py" else None
        return importlib.util.spec_from_file_location(
            fullname, self.mutant.path, loader=self, submodule_search_locations=package
        )

    def create_module(self, spec):
        return None

    def exec_module(self, module) -> None:
        exec(self.code, module.__dict__)  # noqa: S102


# A run stopped by wall time: its CPU limit should have ended it long before, unless it waits on something.
WALL_FACTOR = 20


def _child(mutant: Mutant, arguments: list[str], log: Path | None, cpu_seconds: float) -> None:
    import pytest

    limit = math.ceil(cpu_seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))  # SIGXCPU, then SIGKILL
    sys.meta_path.insert(0, _MutatedModule(mutant))
    out = os.open(log if log else os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(out, 1)
    os.dup2(out, 2)
    try:
        status = int(pytest.main(arguments))
    except Exception:
        # The mutant broke loading the package itself (a record class whose generated __init__ no longer
        # compiles): pytest cannot start, as a collection error stops it; the clean run passes, so it is killed.
        traceback.print_exc()
        status = 2
    os._exit(status)


@dataclasses.dataclass
class Outcome:
    mutant: Mutant
    status: str  # killed, timeout, survived, error
    seconds: float


def run(mutants: list[Mutant], *, jobs: int, timeout: float, logs: Path | None) -> Iterator[Outcome]:
    # Loaded once here, so each child starts with pytest and its plugins in memory but none of the project.
    import django  # noqa: F401
    import hypothesis  # noqa: F401
    import pytest  # noqa: F401
    import pytest_django  # noqa: F401
    import syrupy  # noqa: F401

    os.chdir(ROOT)
    stages = pytest_stages()
    waiting = [(mutant, 0, 0.0) for mutant in reversed(mutants)]
    running: dict[int, tuple[Mutant, int, float, float]] = {}
    count = 0
    while waiting or running:
        while waiting and len(running) < jobs:
            mutant, stage, spent = waiting.pop()
            count += 1
            log = logs / f"{count:04d}.log" if logs else None
            pid = os.fork()
            if pid == 0:
                try:
                    _child(mutant, stages[stage], log, timeout)
                finally:
                    os._exit(3)
            running[pid] = (mutant, stage, spent, time.monotonic())
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            now = time.monotonic()
            for late, (mutant, _stage, spent, started) in list(running.items()):
                if spent + now - started > WALL_FACTOR * timeout:
                    os.kill(late, signal.SIGKILL)
                    os.waitpid(late, 0)
                    del running[late]
                    yield Outcome(mutant, "timeout", spent + now - started)
            time.sleep(0.05)
            continue
        mutant, stage, spent, started = running.pop(pid)
        spent += time.monotonic() - started
        code = os.waitstatus_to_exitcode(status)
        if code == 0 and stage + 1 < len(stages):
            waiting.append((mutant, stage + 1, spent))
            continue
        # 1: a test failed; 2: collecting the tests failed, which only a mutant does (the clean run passes).
        # -SIGXCPU and -SIGKILL: over the CPU limit.
        verdict = {0: "survived", 1: "killed", 2: "killed", -signal.SIGXCPU: "timeout", -signal.SIGKILL: "timeout"}.get(
            code, "error"
        )
        yield Outcome(mutant, verdict, spent)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=180.0, help="CPU seconds for one stage of a mutant's tests")
    parser.add_argument("--only", action="append", help="run the mutants whose id contains this (repeatable)")
    parser.add_argument("--list", action="store_true", help="print the mutants and stop")
    parser.add_argument("--start", type=int, default=0, help="skip the first START mutants (to resume a run)")
    parser.add_argument("--logs", type=Path, help="a folder for each mutant's pytest output")
    options = parser.parse_args(argv)

    only = options.only or [""]
    mutants = [m for m in every_mutant() if any(part in m.id for part in only)][options.start :]
    if options.list:
        for mutant in mutants:
            print(mutant.id)
        print(f"{len(mutants)} mutants")
        return 0
    if options.logs:
        options.logs.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    counts = {"killed": 0, "timeout": 0, "survived": 0, "equivalent": 0, "error": 0}
    bad: list[str] = []
    for done, outcome in enumerate(run(mutants, jobs=options.jobs, timeout=options.timeout, logs=options.logs), 1):
        mid = outcome.mutant.id
        status = outcome.status
        if status == "survived" and mid in EQUIVALENT:
            status = "equivalent"
        elif mid in EQUIVALENT:
            bad.append(f"listed as equivalent but {status}: {mid}")
        counts[status] += 1
        if status in ("survived", "error"):
            bad.append(f"{status}: {mid}")
        print(f"[{done}/{len(mutants)}] {status:<10} {outcome.seconds:5.1f}s {mid}", flush=True)
    print()
    for line in bad:
        print(line)
    minutes = (time.monotonic() - start) / 60
    print(
        f"words and sources: {len(mutants)} mutants, {counts['killed'] + counts['timeout']} killed "
        f"({counts['timeout']} by timeout), {counts['equivalent']} equivalent, {counts['survived']} surviving, "
        f"{counts['error']} errors, in {minutes:.1f} minutes"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
