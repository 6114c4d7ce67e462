"""Mask credentials in every string a report shows: source lines, messages, fix contents.

A masked secret becomes as many `*` as it had characters, so columns (and a report's caret
under a finding) stay where they were. URLs are never taken for secrets (a password or a
`key=`/`sig=` value inside one is): the line a finding is about stays readable, and so do
variables (`$TOKEN`, `{api_key}`, a bare name).

Callers mask before they cut: `mask_near` masks the neighbourhood of a column of a long line,
wide enough that no credential shown in a window around it keeps its unmasked start outside.
"""
from __future__ import annotations

import functools
import re

MASK_CHAR = "*"
NOT_A_VARIABLE = r"(?![$%{<])"  # a value that starts like `$TOKEN`, `%s`, `{key}` or `<token>` is a placeholder
_Q = r"[\"']"
# Every pattern starts only where a word starts and has bounded repeats, so a megabyte-long
# minified line costs linear time. Each group is a value to mask. Compiled on first use (`_compiled`):
# a run with nothing to report never pays for them.
_PATTERNS = (
    # Authorization: Bearer <token> / Basic <base64>.
    r"(?i)(?<![\w-])(?:bearer|basic)\s{1,8}([A-Za-z0-9._~+/=-]{8,4096})",
    # "Bearer " + "token" and "Bearer " "token": a quoted literal after the scheme is a credential.
    rf"(?i)(?<![\w-])(?:bearer|basic)\s{{0,8}}{_Q}\s{{0,8}}\+?\s{{0,8}}{_Q}([^\"'\s]{{1,4096}})",
    # NAME_TOKEN=value, api_key: value, "password": "value", ?access_token=value.
    (
        r"(?i)(?<![\w-])[\w-]{0,64}?(?:token|secret|password|passwd|api[_-]?key|apikey|auth)[\w-]{0,64}"
        r"[\"']?\s{0,8}[:=]\s{0,8}(?:[\"']([^\"'\s{}$]{6,4096})(?=[\"'])|([^\s\"'{}$()\[\],;&]{8,4096}))"
    ),
    # JWT-looking values anywhere (Astro API tokens are JWTs).
    r"(?<![\w-])(eyJ[\w-]{5,4096}\.[\w-]{5,4096}\.[\w-]{5,4096})",
    # Passwords in URLs: scheme://user:password@host.
    r"://[^/\s:@]{1,256}:([^/\s@]{1,256})@",
    # curl -u user:password, -uuser:password, --user "user:password", --oauth2-bearer TOKEN.
    rf"(?<![\w-])(?:-u\s{{0,8}}|--user(?:\s{{1,8}}|=)){_Q}?[^\s:\"']{{1,256}}:{NOT_A_VARIABLE}([^\s\"']{{1,4096}})",
    rf"(?<![\w-])--oauth2-bearer(?:\s{{1,8}}|=){_Q}?{NOT_A_VARIABLE}([^\s\"']{{1,4096}})",
    # requests: auth=("user", "password"), HTTPBasicAuth("user", "password") and the like.
    (
        rf"(?i)(?:(?<![\w-])auth\s{{0,8}}=\s{{0,8}}[(\[]|(?:basic|digest|proxy)auth\()\s{{0,8}}{_Q}[^\"'\n]{{0,256}}{_Q}"
        rf"\s{{0,8}},\s{{0,8}}{_Q}([^\"'\n]{{1,4096}}){_Q}"
    ),
    # Signed or keyed URLs: ?key=…, &sig=…, ?X-Amz-Signature=…; params={"key": "…"}.
    (
        rf"(?i)[?&;][\w.-]{{0,32}}(?:key|sig|signature|token|secret|password|passwd|pwd)={NOT_A_VARIABLE}([^&\s\"'#]{{1,4096}})"
    ),
    rf"(?i){_Q}(?:key|sig|signature|code){_Q}\s{{0,8}}:\s{{0,8}}{_Q}{NOT_A_VARIABLE}([^\"'\n]{{1,4096}}){_Q}",
    # Authorization: <any scheme> <credential>; key headers: X-Api-Key: <value>.
    r"(?i)(?<![\w-])authorization[\"']?\s{0,8}[:=]\s{0,8}[\"']?[A-Za-z-]{1,32}\s{1,8}([^\s\"'$%{][^\s\"']{5,4096})",
    r"(?i)(?<![\w-])x-[\w-]{0,32}(?:key|token|secret)[\"']?\s{0,8}:\s{0,8}[\"']?([^\s\"']{6,4096})",
)
_GENERIC = _PATTERNS[2]
# Cookie: a=1; b=2 / Set-Cookie: / curl -b 'a=1' / --cookie: every value of the header.
_COOKIE = rf"(?i)(?:(?<![\w-])(?:set-)?cookie{_Q}?\s{{0,8}}[:=]|(?<![\w-])(?:-b|--cookie)\s{{1,8}})\s{{0,8}}{_Q}?([^\"'\n]{{1,4096}})"
_COOKIE_VALUE = rf"[\w.-]{{1,256}}=({NOT_A_VARIABLE}[^;\s,]{{1,4096}})"
_COOKIE_ATTRIBUTES = frozenset({"path", "domain", "expires", "max-age", "samesite", "priority"})
RADIUS = 2 * 4096 + 512  # farther than any pattern reaches from its start to the end of its value


def _secret(value: str, quoted: bool) -> bool:
    """A URL is never a secret; a bare value must hold a digit (a bare word is a variable)."""
    if "://" in value or value.lower().startswith(("bearer", "basic")):
        return False
    return quoted or any(c.isdigit() for c in value)


def _stars(text: str, spans: list) -> str:
    for left, right in spans:
        text = text[:left] + MASK_CHAR * (right - left) + text[right:]
    return text


@functools.lru_cache(maxsize=1)
def _compiled() -> tuple:
    """(the patterns of `_PATTERNS`, `_COOKIE`, `_COOKIE_VALUE`), compiled."""
    return tuple(map(re.compile, _PATTERNS)), re.compile(_COOKIE), re.compile(_COOKIE_VALUE)


def _masked(match: re.Match) -> str:
    start, spans = match.start(0), []
    for index in range(1, (match.lastindex or 0) + 1):
        value = match.group(index)
        if value is None or (match.re.pattern == _GENERIC and not _secret(value, index == 1)):
            continue
        spans.append((match.start(index) - start, match.end(index) - start))
    return _stars(match.group(0), spans)


def _cookies(match: re.Match) -> str:
    offset = match.start(1) - match.start(0)
    spans = [
        (offset + pair.start(1), offset + pair.end(1))
        for pair in _compiled()[2].finditer(match.group(1))
        if pair.group(0).split("=", 1)[0].lower() not in _COOKIE_ATTRIBUTES
    ]
    return _stars(match.group(0), spans)


def mask(text: str) -> str:
    """`text` with every credential-looking value replaced by `*` of the same length."""
    patterns, cookie, _ = _compiled()
    for pattern in patterns:
        text = pattern.sub(_masked, text)
    return cookie.sub(_cookies, text)


def mask_near(line: str, column: int, shown: int) -> str:
    """`line` with the part a report may show around 0-based `column` (`shown` characters wide)
    masked as `mask` would mask the whole line; far-away parts are left as they are (cheap on a
    megabyte-long minified line with many findings)."""
    if len(line) <= shown + 2 * RADIUS:
        return mask(line)
    left, right = max(0, column - shown - RADIUS), min(len(line), column + shown + RADIUS)
    return line[:left] + mask(line[left:right]) + line[right:]
