"""The deadline clock: days until (or since) v1beta1's end of support, and the severity it implies."""
from __future__ import annotations

import datetime
import os
from dataclasses import dataclass

from migrator.engine import registry

AS_OF_ENV = "ASTRO_MIGRATE_AS_OF"


@dataclass(frozen=True)
class Thresholds:
    """Days left at (or under) which findings escalate: warning -> error, info -> warning."""

    error_within_days: int = 90
    warning_within_days: int = 30


def parse_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(text))
    except ValueError:
        raise ValueError(f"not a date in YYYY-MM-DD form: {text!r}") from None


def today(as_of: str = None) -> datetime.date:
    """`as_of`, else $ASTRO_MIGRATE_AS_OF, else the real date."""
    fixed = as_of or os.environ.get(AS_OF_ENV)
    return parse_date(fixed) if fixed else datetime.date.today()


def days_left(deadline: datetime.date, on: datetime.date) -> int:
    return (deadline - on).days


def severity(code: str, default: str, days: int, thresholds: Thresholds = Thresholds()) -> str:
    """`default` raised by the clock, for codes whose findings break at end of support
    (`escalates` in the registry)."""
    if not registry.rule(code).escalates:
        return default
    if default == "warning" and days <= thresholds.error_within_days:
        return "error"
    if default == "info" and days <= thresholds.warning_within_days:
        return "warning"
    return default


def phrase(days: int) -> str:
    """'34 days until v1beta1 end of support', or how long ago it ended."""
    if days > 1:
        return f"{days} days until v1beta1 end of support"
    if days == 1:
        return "1 day until v1beta1 end of support"
    if days == 0:
        return "v1beta1 end of support is today"
    ago = -days
    return f"v1beta1 end of support was {ago} day{'s' if ago != 1 else ''} ago"


def short(days: int) -> str:
    """'34 days left', 'ends today', 'ended 3 days ago': for one-line formats."""
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    if days == 0:
        return "ends today"
    return f"ended {-days} day{'s' if days != -1 else ''} ago"
