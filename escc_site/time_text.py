"""Moments and spans as every page writes them: one format for the whole site.

A moment is the site's local time with its date in ``DATETIME_FORMAT`` ("12 Mar 2027 02:10", a 24-hour clock);
a span is compact, for tables and countdowns: "35 min", "2 h 10 min", "3 d 4 h".
"""

from __future__ import annotations

import datetime

from django.utils import formats, timezone


def moment_text(moment: datetime.datetime | None) -> str:
    """``moment`` in the site's time zone with its date; empty for none."""
    return "" if moment is None else formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def span_text(delta: datetime.timedelta) -> str:
    """The length of ``delta`` (its sign aside) in hours and minutes, days past two; under a minute is "0 min"."""
    minutes = int(abs(delta.total_seconds()) // 60)
    hours, minutes = divmod(minutes, 60)
    if hours == 0:
        return f"{minutes} min"
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"
