"""Read an OpenAPI document from a file or a URL, within the limits a security review asks for.

Downloads use HTTPS with TLS verification (plain HTTP only when allowed), honour proxy and CA
settings from the environment, send no credentials, give up after a timeout, stop reading past
a size limit, and retry with backoff on timeouts and 5xx responses only. Every failure is a
:class:`SpecError` whose text is one line naming what went wrong and where.
"""
from __future__ import annotations

import json
import socket
import ssl
import time
from dataclasses import dataclass

from migrator.engine import ruletable

DEFAULT_URL = ruletable.facts().v1_spec_url


class SpecError(Exception):
    """A spec that cannot be fetched or read."""

    def __init__(self, what: str, where: str):
        super().__init__(f"{' '.join(what.split())} ({where})")


class _Retryable(Exception):
    """A failure worth another attempt: a timeout or a 5xx response."""


@dataclass(frozen=True)
class Limits:
    timeout: float = 30.0  # seconds for each connect, read and whole attempt
    max_bytes: int = 10 * 1024 * 1024
    retries: int = 2  # further attempts after a timeout or a 5xx
    backoff: float = 0.5  # seconds before the first retry, doubled for each next one
    allow_http: bool = False


def is_url(source: str) -> bool:
    return "://" in source


def load_spec(source: str, limits: Limits = Limits()) -> dict:
    """The OpenAPI document at ``source``, a URL or a file path (YAML or JSON)."""
    data = download(source, limits) if is_url(source) else read_file(source, limits)
    return parse_document(data, source)


def read_file(path: str, limits: Limits) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        raise SpecError(f"cannot read file: {exc.strerror or exc}", path) from None
    if len(data) > limits.max_bytes:
        raise SpecError(f"file larger than {limits.max_bytes} bytes", path)
    return data


def parse_document(data: bytes, where: str) -> dict:
    """Parse YAML or JSON and make sure it is an OpenAPI 3 document."""
    import yaml

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpecError("not an OpenAPI document: not UTF-8 text", where) from None
    try:
        if text.lstrip().startswith("{"):
            doc = json.loads(text)
        else:
            doc = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except json.JSONDecodeError as exc:
        raise SpecError(f"invalid JSON: {exc.msg} at line {exc.lineno}", where) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark else ""
        raise SpecError(f"invalid YAML: {getattr(exc, 'problem', None) or exc}{at}", where) from None
    if not (
        isinstance(doc, dict)
        and str(doc.get("openapi", "")).startswith("3.")
        and isinstance(doc.get("paths"), dict)
    ):
        raise SpecError("not an OpenAPI document: no `openapi: 3.x` and `paths`", where)
    return doc


def download(url: str, limits: Limits) -> bytes:
    """GET ``url`` with retries; raise :class:`SpecError` on any failure."""
    import httpx

    from migrator import __version__

    def guard(request: httpx.Request) -> None:  # sees every redirect too
        _check_url(request.url, limits, str(request.url))

    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise SpecError(f"invalid URL: {exc}", url) from None
    _check_url(parsed, limits, url)
    try:
        client = httpx.Client(
            headers={
                "User-Agent": f"astro-migrate/{__version__}",
                "Accept": "application/yaml, application/json;q=0.9, */*;q=0.1",
            },
            timeout=limits.timeout,
            follow_redirects=True,
            max_redirects=5,
            event_hooks={"request": [guard]},
        )
    except (ValueError, httpx.InvalidURL) as exc:  # a proxy URL from the environment
        raise SpecError(f"bad proxy setting: {exc}", url) from None
    attempt = 0
    with client:
        while True:
            try:
                return _get(client, url, limits)
            except _Retryable as exc:
                if attempt == limits.retries:
                    tries = f" after {attempt + 1} attempts" if attempt else ""
                    raise SpecError(f"{exc}{tries}", url) from None
            time.sleep(limits.backoff * 2**attempt)
            attempt += 1


def _check_url(parsed, limits: Limits, where: str) -> None:
    if parsed.scheme == "http" and not limits.allow_http:
        raise SpecError("plain HTTP refused; use https:// (or --allow-http)", where)
    if parsed.scheme not in ("http", "https"):
        raise SpecError(f"unsupported URL scheme {parsed.scheme!r}", where)
    if not parsed.host:
        raise SpecError("invalid URL: no host", where)


def _get(client, url: str, limits: Limits) -> bytes:
    import httpx

    deadline = time.monotonic() + limits.timeout
    timed_out = f"timed out after {limits.timeout:g} s"
    try:
        with client.stream("GET", url) as response:
            status = f"HTTP {response.status_code} {response.reason_phrase}".strip()
            if response.status_code >= 500:
                raise _Retryable(f"server error: {status}")
            if response.status_code >= 300:
                raise SpecError(status, str(response.url))
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limits.max_bytes:
                raise SpecError(f"response larger than {limits.max_bytes} bytes", url)
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limits.max_bytes:
                    raise SpecError(f"response larger than {limits.max_bytes} bytes", url)
                if time.monotonic() > deadline:
                    raise _Retryable(timed_out)
            return bytes(body)
    except httpx.TimeoutException:
        raise _Retryable(timed_out) from None
    except httpx.TooManyRedirects:
        raise SpecError("too many redirects", url) from None
    except httpx.InvalidURL as exc:
        raise SpecError(f"invalid URL: {exc}", url) from None
    except httpx.TransportError as exc:
        raise SpecError(_describe(exc), url) from None
    except httpx.DecodingError as exc:
        raise SpecError(f"cannot decode response: {exc}", url) from None


def _describe(exc: Exception) -> str:
    """Name a connection failure: DNS, TLS, proxy or plain connect."""
    import httpx

    cause = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return f"cannot resolve host: {cause.strerror or cause}"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate verification failed: {cause.verify_message}"
        if isinstance(cause, ssl.SSLError):
            return f"TLS error: {cause.reason or cause}"
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.ProxyError):
        return f"proxy error: {exc}"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect (offline?): {exc}"
    return f"connection failed: {exc or type(exc).__name__}"
