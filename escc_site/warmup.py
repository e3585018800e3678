"""Work a new app-server process does before its first request instead of during it.

Django compiles a template the first time a process renders it and keeps it (the cached loader of
production settings). Each gunicorn worker is a process of its own, so after every start or restart
the first live updates and pages a worker served took 50-80 ms instead of 15 (measured with
``bench/bench_browser.py`` and gunicorn's access log). ``escc_site.wsgi`` calls
:func:`compile_templates` once per worker as it loads, then :func:`freeze_startup_objects`;
``manage.py`` and the tests do neither.

The second: a worker holds a few hundred thousand long-lived objects from its start (modules, URL
patterns, compiled templates, forms). Python's full garbage collection walks all of them whenever
it runs, which showed as live updates of 70-90 ms among ones of 15 ms. ``gc.freeze()`` moves what
exists at the end of start-up out of the collector's view; what requests allocate is still collected.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines

logger = logging.getLogger(__name__)


def compile_templates() -> int:
    """Compile the project's own templates (``templates/``) into the loader's cache; return how many.

    A template that does not compile is logged and left for its page to report, so one broken
    template never stops the server from starting.
    """
    root = Path(settings.BASE_DIR) / "templates"
    compiled = 0
    for engine in engines.all():
        for path in sorted(root.rglob("*.html")):
            name = path.relative_to(root).as_posix()
            try:
                engine.get_template(name)
            except (TemplateSyntaxError, TemplateDoesNotExist) as error:
                logger.warning("template %s not compiled at start: %s", name, error)
            else:
                compiled += 1
    return compiled


def freeze_startup_objects() -> int:
    """Collect once, then keep the objects of start-up out of later collections; return how many."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
