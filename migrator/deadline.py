"""The deadline clock: days until (or since) v1beta1's end of support."""
from __future__ import annotations

import datetime
import os

AS_OF_ENV = "ASTRO_MIGRATE_AS_OF"


def parse_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a date in YYYY-MM-DD form: {text!r}") from None


def today(as_of: str = None) -> datetime.date:
    """`as_of`, else $ASTRO_MIGRATE_AS_OF, else the real date."""
    fixed = as_of or os.environ.get(AS_OF_ENV)
    return parse_date(fixed) if fixed else datetime.date.today()


def days_left(deadline: datetime.date, on: datetime.date) -> int:
    return (deadline - on).days


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
