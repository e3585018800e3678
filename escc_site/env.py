"""Read settings from the environment, failing loudly on values that make no sense.

A hospital deployment is configured only through environment variables; a typo
such as ``DEBUG=flase`` must stop the process at start-up, not silently pick a
default.
"""

from __future__ import annotations

import os

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ImproperSetting(Exception):
    """An environment variable holds a value the app cannot use."""


def env_bool(name: str, default: bool) -> bool:
    """Return the boolean in ``name``; raise ImproperSetting on anything but yes/no words."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperSetting(f"{name} must be one of true/false/1/0/yes/no/on/off, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """Return the integer in ``name`` (at least ``minimum``); raise ImproperSetting otherwise."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperSetting(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ImproperSetting(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Return the comma-separated list in ``name``, without blanks."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_str(name: str, default: str | None = None) -> str:
    """Return the string in ``name``; raise ImproperSetting when required and missing."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        if default is None:
            raise ImproperSetting(f"{name} is required")
        return default
    return raw.strip()


def env_secret(name: str, *, debug: bool, dev_default: str, min_length: int) -> str:
    """Return the secret in ``name``: ``dev_default`` when unset in development, required and long in production."""
    if debug:
        return env_str(name, dev_default)
    value = env_str(name)
    if len(value) < min_length:
        raise ImproperSetting(f"{name} must be at least {min_length} characters in production")
    return value


def env_pairs(name: str) -> dict[str, str]:
    """Return the ``key=value`` pairs, comma-separated, in ``name``; raise ImproperSetting on a malformed pair."""
    pairs: dict[str, str] = {}
    for item in env_list(name, []):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ImproperSetting(f"{name} must be name=value pairs separated by commas, got {item!r}")
        if key.strip() in pairs:
            raise ImproperSetting(f"{name} sets {key.strip()} twice")
        pairs[key.strip()] = value.strip()
    return pairs
