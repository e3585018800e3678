"""Reading a case file's JSON safely: nesting refused past a limit, huge integers kept so their field can be named."""

from __future__ import annotations

import json
from typing import Any

# A case is a flat object; an array of cases adds one level. Deeper files are refused
# before parsing (Python's parser would run out of stack thousands of levels down).
MAX_NESTING = 20
# No field of a case needs more digits; a longer integer is kept as a HugeNumber so
# the error can name its field (Python refuses to convert more than 4,300 digits).
MAX_DIGITS = 20


class CaseFileError(ValueError):
    """A case file that cannot be read as JSON at all; the message says why, for the user."""


class HugeNumber:
    """An integer literal with more digits than any field takes; never converted."""

    def __init__(self, literal: str) -> None:
        self.digits = len(literal.lstrip("-"))

    def __str__(self) -> str:
        return f"<a number of {self.digits} digits>"


def load_case_json(text: str) -> Any:
    """Parse a case file, refusing nesting deeper than MAX_NESTING; long integers become HugeNumber."""
    depth = _nesting_depth(text)
    if depth > MAX_NESTING:
        raise CaseFileError(f"The file nests more than {MAX_NESTING} levels deep; a case is one flat JSON object.")
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise CaseFileError(f"The file is not valid JSON: {exc}") from None


def _parse_int(literal: str) -> int | HugeNumber:
    return HugeNumber(literal) if len(literal.lstrip("-")) > MAX_DIGITS else int(literal)


def _nesting_depth(text: str) -> int:
    """The deepest bracket nesting outside strings, stopping once past the limit."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_NESTING:
                break
        elif char in "]}":
            depth -= 1
    return deepest
