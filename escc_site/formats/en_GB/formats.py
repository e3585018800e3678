"""The one date format of the site: en-GB, 24-hour ("1 Dec 2026", "1 Dec 2026 14:05").

Django's own en_GB formats print times as "2:05 p.m."; clinical times are read on a 24-hour
clock, so every page and print uses these (templates name them: ``|date:"DATETIME_FORMAT"``).
"""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
