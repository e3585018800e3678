"""Code says what it is: no source file narrates its history, and every app module opens with a docstring.

History belongs in git and in the decision records (docs/decisions/); migrations keep theirs because
they are history. The walk covers every file git tracks, so a new file cannot opt out.
"""

import ast
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SOURCE_SUFFIXES = {".py", ".html", ".js", ".css"}
SOURCE_NAMES = {"Makefile", ".ci/run"}
NOT_WALKED = re.compile(r"(^|/)migrations/|^docs/|(^|/)__snapshots__/|^static/vendor/")

# A ticket number in a comment, docstring, name or template (the word "issue", then a number,
# in prose or in a name such as ``ISSUE_<n>_URLS``), and an end-of-section marker.
NARRATION = re.compile(r"(?<![a-z])issue[\s_#]*\d+|#\s*-{3}\s*end\b", re.IGNORECASE)

APPS = ("accounts", "audit", "assessments", "board", "escc_site", "referrals")


def tracked_files():
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [p for p in out.splitlines() if not NOT_WALKED.search(p)]


def source_files():
    return [
        p
        for p in tracked_files()
        if (Path(p).suffix in SOURCE_SUFFIXES or p in SOURCE_NAMES or Path(p).name == "Makefile")
        and (ROOT / p).is_file()
    ]


def test_the_walk_sees_the_code():
    walked = set(source_files())
    assert {"Makefile", ".ci/run", "assessments/rules/pathway.py", "templates/base.html", "static/js/app.js"} <= walked
    assert not any(p.startswith(("static/vendor/", "docs/")) or "/migrations/" in p for p in walked)


def test_no_source_file_narrates_history():
    found = [
        f"{path}:{number}: {line.strip()}"
        for path in source_files()
        for number, line in enumerate((ROOT / path).read_text(encoding="utf-8").splitlines(), start=1)
        if NARRATION.search(line)
    ]
    assert not found, "history belongs in git and docs/decisions/, not in the code:\n" + "\n".join(found)


def test_every_app_module_opens_with_a_docstring():
    """An empty ``__init__.py`` only marks a package and holds nothing to describe."""
    missing = []
    for path in tracked_files():
        if not path.endswith(".py") or not path.startswith(tuple(f"{app}/" for app in APPS)):
            continue
        if "/tests/" in path or Path(path).name.startswith("test_"):
            continue
        text = (ROOT / path).read_text(encoding="utf-8")
        if text.strip() and ast.get_docstring(ast.parse(text)) is None:
            missing.append(path)
    assert not missing, "each module opens with one sentence on what it holds:\n" + "\n".join(missing)
