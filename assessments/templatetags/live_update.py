"""``{% unchanged_kept %}``: a part of the live-update answer that is sent only when it changed.

Most of the result panel stays the same when one finding changes: the spine picture, the pathway card,
most reasons, the prognosis scores. Each such part is one element with an ``id``; the tag marks it
with a digest of its rendered HTML (``data-part``). The page reports the parts it shows with their
digests on every live update (``static/js/app.js``, parameter ``shown_parts``), and where the page
already shows exactly what would be sent, the answer carries an empty element marked ``data-kept``
instead, and the page keeps its own copy (``static/js/kept_parts.js``, which merges each element of the
answer into the page's element with the same id). A part outside the result panel
(``{% unchanged_kept oob %}``) that the page already shows is simply left out of the answer: the page then
leaves it as it is.

The part is always rendered and compared as rendered, never from a cache or from its inputs: the page
keeps a part only when it is byte for byte what this answer would have sent.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django import template
from django.http import HttpRequest

register = template.Library()

# The context key the case form's view sets: the parts the page shows, id -> digest.
SHOWN_PARTS = "shown_parts"
PARAMETER = "shown_parts"
_MAX_PARTS = 200  # far more than a panel holds; the rest of an oversized report is ignored
_ROOT_RE = re.compile(r"\A\s*<([a-z][a-z0-9-]*)\b([^>]*)>", re.IGNORECASE)
_ID_RE = re.compile(r'\sid="([A-Za-z][\w-]*)"')
_REPORT_RE = re.compile(r"([A-Za-z][\w-]*):([0-9a-f]{16})")


def shown_parts(request: HttpRequest) -> dict[str, str]:
    """The parts an HTMX live update says its page shows, ``{id: digest}``; anything malformed is skipped."""
    report = request.POST.get(PARAMETER, "")
    parts: dict[str, str] = {}
    for item in report.split()[:_MAX_PARTS]:
        m = _REPORT_RE.fullmatch(item)
        if m is not None:
            parts[m.group(1)] = m.group(2)
    return parts


def digest(html: str) -> str:
    return hashlib.blake2b(html.encode(), digest_size=8).hexdigest()


class UnchangedKeptNode(template.Node):
    def __init__(self, nodelist: template.NodeList, *, oob: bool) -> None:
        self.nodelist = nodelist
        self.oob = oob

    def render(self, context: template.Context) -> str:
        # A node's output goes into the page as it is (only variables are escaped); the part's own HTML
        # was escaped where it was rendered, and what is added here is an id, a tag name and a hex digest
        # matched by the patterns above.
        html = self.nodelist.render(context)
        shown = context.get(SHOWN_PARTS)
        if shown is None or not html.strip():
            return html  # not the case form (case page, board), or nothing to show
        root = _ROOT_RE.match(html)
        part_id = _ID_RE.search(root.group(2)) if root else None
        if root is None or part_id is None:
            raise template.TemplateSyntaxError("unchanged_kept must hold one element with an id as its first tag")
        tag, element_id, sent = root.group(1), part_id.group(1), digest(html)
        if shown.get(element_id) == sent:
            if self.oob:
                return ""
            # The part's surrounding white space stays, so the page's text between parts is what a full
            # answer has.
            before, after = html[: root.start(1) - 1], html[len(html.rstrip()) :]
            return f'{before}<{tag} id="{element_id}" data-part="{sent}" data-kept></{tag}>{after}'
        start = root.end(2)
        return f'{html[:start]} data-part="{sent}"{html[start:]}'


@register.tag
def unchanged_kept(parser: Any, token: Any) -> UnchangedKeptNode:
    """``{% unchanged_kept [oob] %}<div id="x">…</div>{% endunchanged_kept %}``: see the module's docstring."""
    bits = token.split_contents()[1:]
    if bits not in ([], ["oob"]):
        raise template.TemplateSyntaxError("unchanged_kept takes only the word oob")
    nodelist = parser.parse(("endunchanged_kept",))
    parser.delete_first_token()
    return UnchangedKeptNode(nodelist, oob=bits == ["oob"])
