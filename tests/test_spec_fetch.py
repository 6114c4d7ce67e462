"""Downloading a spec: real HTTP(S) servers on 127.0.0.1 and every failure the review asks about."""
from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import run_cli
from pytest_httpserver import HTTPServer
from werkzeug import Response

from migrator.spec.fetch import Limits, SpecError, load_spec

FIXTURE = Path(__file__).parent / "fixtures" / "specs" / "v1.yaml"
SPEC_TEXT = FIXTURE.read_text(encoding="utf-8")
FAST = Limits(timeout=0.5, backoff=0, allow_http=True)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def started(**options):
    """A server on 127.0.0.1 for a whole module (stopping one takes half a second)."""
    server = HTTPServer(host="127.0.0.1", port=0, **options)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def threaded_module_server():
    yield from started(threaded=True)


@pytest.fixture
def threaded_server(threaded_module_server):
    threaded_module_server.clear()
    return threaded_module_server


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple:
    """A self-signed certificate for 127.0.0.1: (cert file, key file)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


@pytest.fixture(scope="module")
def tls_module_server(certificate):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    yield from started(ssl_context=context)


@pytest.fixture
def tls_server(tls_module_server):
    tls_module_server.clear()
    return tls_module_server


def failure(source: str, limits: Limits = FAST) -> str:
    with pytest.raises(SpecError) as caught:
        load_spec(source, limits)
    return str(caught.value)


def test_downloads_yaml_without_credentials(httpserver_ipv4, monkeypatch):
    monkeypatch.setenv("ASTRO_API_TOKEN", "secret-token")
    httpserver_ipv4.expect_request("/spec/v1").respond_with_data(SPEC_TEXT, content_type="application/yaml")
    doc = load_spec(httpserver_ipv4.url_for("/spec/v1"), FAST)
    assert doc["info"]["version"] == "v1.0"
    (request, _), = httpserver_ipv4.log
    assert "Authorization" not in request.headers
    assert "secret-token" not in str(request.headers)
    assert request.headers["User-Agent"].startswith("astro-migrate/")


def test_downloads_json(httpserver_ipv4):
    httpserver_ipv4.expect_request("/spec/v1").respond_with_json({"openapi": "3.0.3", "paths": {}})
    assert load_spec(httpserver_ipv4.url_for("/spec/v1"), FAST) == {"openapi": "3.0.3", "paths": {}}


def test_http_refused_unless_allowed(httpserver_ipv4):
    url = httpserver_ipv4.url_for("/spec/v1")
    message = failure(url, Limits())
    assert message == f"plain HTTP refused; use https:// (or --allow-http) ({url})"
    assert httpserver_ipv4.log == []


@pytest.mark.parametrize("url, what", [
    ("ftp://127.0.0.1/spec", "unsupported URL scheme 'ftp'"),
    ("file:///etc/passwd", "unsupported URL scheme 'file'"),
    ("https:///spec/v1", "invalid URL: no host"),
    ("https://[::1/spec", "invalid URL: "),
])
def test_bad_urls_refused(url, what):
    message = failure(url)
    assert message.startswith(what) and message.endswith(f"({url})")


@pytest.mark.parametrize("proxy", ["ftp://proxy.example", "http://proxy.example:bad"])
def test_bad_proxy_setting(monkeypatch, proxy):
    monkeypatch.setenv("HTTPS_PROXY", proxy)
    assert failure("https://api.astronomer.io/spec/v1").startswith("bad proxy setting: ")


def test_404_is_not_retried(httpserver_ipv4):
    httpserver_ipv4.expect_request("/spec/v1").respond_with_data("nope", status=404)
    url = httpserver_ipv4.url_for("/spec/v1")
    assert failure(url, Limits(allow_http=True, backoff=0, retries=3)) == f"HTTP 404 NOT FOUND ({url})"
    assert len(httpserver_ipv4.log) == 1


def test_500_then_200_is_retried(httpserver_ipv4):
    httpserver_ipv4.expect_ordered_request("/spec/v1").respond_with_data("oops", status=500)
    httpserver_ipv4.expect_ordered_request("/spec/v1").respond_with_data(SPEC_TEXT)
    assert load_spec(httpserver_ipv4.url_for("/spec/v1"), FAST)["openapi"] == "3.0.3"
    assert len(httpserver_ipv4.log) == 2


def test_persistent_500_gives_up_after_retries(httpserver_ipv4):
    httpserver_ipv4.expect_request("/spec/v1").respond_with_data("oops", status=503)
    message = failure(httpserver_ipv4.url_for("/spec/v1"), Limits(allow_http=True, backoff=0, retries=2))
    assert message.startswith("server error: HTTP 503 SERVICE UNAVAILABLE after 3 attempts (")
    assert len(httpserver_ipv4.log) == 3


def test_backoff_doubles_between_retries(httpserver_ipv4):
    httpserver_ipv4.expect_request("/spec/v1").respond_with_data("oops", status=500)
    started = time.monotonic()
    failure(httpserver_ipv4.url_for("/spec/v1"), Limits(allow_http=True, backoff=0.1, retries=2))
    assert 0.3 <= time.monotonic() - started < 2  # 0.1 s, then 0.2 s


def slow(seconds: float, body: str = SPEC_TEXT):
    def handler(request):
        time.sleep(seconds)
        return Response(body)
    return handler


def test_slow_response_times_out(threaded_server):
    threaded_server.expect_request("/spec/v1").respond_with_handler(slow(1.5))
    started = time.monotonic()
    message = failure(threaded_server.url_for("/spec/v1"), Limits(timeout=0.5, allow_http=True, retries=0))
    assert message.startswith("timed out after 0.5 s (")
    assert time.monotonic() - started < 1.2


def test_timeout_is_retried(threaded_server):
    threaded_server.expect_ordered_request("/spec/v1").respond_with_handler(slow(1.0))
    threaded_server.expect_ordered_request("/spec/v1").respond_with_data(SPEC_TEXT)
    assert load_spec(threaded_server.url_for("/spec/v1"), FAST)["openapi"] == "3.0.3"


def test_trickling_body_hits_the_deadline(threaded_server):
    def trickle(request):
        return Response(time.sleep(0.15) or b"x: 1\n" for _ in range(10))

    threaded_server.expect_request("/spec/v1").respond_with_handler(trickle)
    message = failure(threaded_server.url_for("/spec/v1"), Limits(timeout=0.5, allow_http=True, retries=0))
    assert message.startswith("timed out after 0.5 s (")


def test_invalid_yaml(httpserver_ipv4):
    httpserver_ipv4.expect_request("/spec/v1").respond_with_data("openapi: [3.0.3\npaths: {}\n")
    assert failure(httpserver_ipv4.url_for("/spec/v1")).startswith("invalid YAML: ")


def test_invalid_json(httpserver_ipv4):
    httpserver_ipv4.expect_request("/spec/v1").respond_with_data('{"openapi": "3.0.3",}')
    assert failure(httpserver_ipv4.url_for("/spec/v1")).startswith("invalid JSON: ")


@pytest.mark.parametrize("body", ["<html><body>Maintenance</body></html>", "openapi: 2.0\npaths: {}\n",
                                  "- a\n- b\n", b"\xff\xfe\x00binary"])
def test_not_an_openapi_document(httpserver_ipv4, body):
    httpserver_ipv4.expect_request("/spec/v1").respond_with_data(body)
    assert failure(httpserver_ipv4.url_for("/spec/v1")).startswith("not an OpenAPI document")


def test_huge_body_with_content_length(httpserver_ipv4):
    httpserver_ipv4.expect_request("/spec/v1").respond_with_data(b"x" * 200_000)
    url = httpserver_ipv4.url_for("/spec/v1")
    limits = Limits(max_bytes=100_000, allow_http=True)
    assert failure(url, limits) == f"response larger than 100000 bytes ({url})"


def test_huge_streamed_body_stops_at_the_limit(threaded_server):
    sent = []

    def endless(request):
        def chunks():
            for _ in range(10_000):  # 640 MB if read to the end
                sent.append(1)
                yield b"x" * 65536
        return Response(chunks())

    threaded_server.expect_request("/spec/v1").respond_with_handler(endless)
    message = failure(threaded_server.url_for("/spec/v1"), Limits(max_bytes=1_000_000, allow_http=True))
    assert message.startswith("response larger than 1000000 bytes (")
    assert len(sent) < 1000


def test_offline_connection_refused():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    message = failure(f"http://127.0.0.1:{port}/spec/v1")
    assert message.startswith("cannot connect (offline?): ")


def test_unknown_host():
    assert failure("https://spec.does-not-exist.invalid/v1").startswith("cannot resolve host: ")


def test_tls_verification_is_on(tls_server, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    tls_server.expect_request("/spec/v1").respond_with_data(SPEC_TEXT)
    message = failure(tls_server.url_for("/spec/v1"), Limits(timeout=2))
    assert message.startswith("TLS certificate verification failed: ")
    assert tls_server.log == []


def test_ca_bundle_from_environment_is_honoured(tls_server, certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    tls_server.expect_request("/spec/v1").respond_with_data(SPEC_TEXT)
    assert load_spec(tls_server.url_for("/spec/v1"), Limits(timeout=2))["openapi"] == "3.0.3"


def test_redirect_to_plain_http_is_refused(tls_server, httpserver_ipv4, certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    target = httpserver_ipv4.url_for("/spec/v1")
    tls_server.expect_request("/spec/v1").respond_with_data("", status=302, headers={"Location": target})
    assert failure(tls_server.url_for("/spec/v1"), Limits(timeout=2)).startswith("plain HTTP refused")
    assert httpserver_ipv4.log == []


def test_proxy_from_environment_is_honoured(httpserver_ipv4, monkeypatch):
    proxy = httpserver_ipv4
    proxy.expect_request("/spec/v1").respond_with_data(SPEC_TEXT)
    monkeypatch.setenv("HTTP_PROXY", proxy.url_for("/").rstrip("/"))
    doc = load_spec("http://spec.example.invalid/spec/v1", FAST)
    assert doc["openapi"] == "3.0.3"
    (request, _), = proxy.log
    assert request.headers["Host"] == "spec.example.invalid"


def test_missing_and_oversized_files(tmp_path):
    missing = tmp_path / "missing.yaml"
    assert failure(str(missing)) == f"cannot read file: No such file or directory ({missing})"
    assert failure(str(FIXTURE), Limits(max_bytes=1000)) == f"file larger than 1000 bytes ({FIXTURE})"


@pytest.mark.parametrize("status, body, options, what", [
    (404, "missing", [], "HTTP 404 NOT FOUND"),
    (500, "oops", ["--retries", "0"], "server error: HTTP 500 INTERNAL SERVER ERROR"),
    (200, "openapi: [", [], "invalid YAML: "),
    (200, "x" * 5000, ["--max-bytes", "1000"], "response larger than 1000 bytes"),
])
def test_cli_errors_are_one_line_without_traceback(httpserver_ipv4, status, body, options, what):
    httpserver_ipv4.expect_request("/spec/v1").respond_with_data(body, status=status)
    url = httpserver_ipv4.url_for("/spec/v1")
    result = run_cli("spec", "check", "--url", url, "--allow-http", *options)
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"astro-migrate: error: {what}")
    assert line.endswith(f"({url})")


def test_cli_timeout_option(threaded_server):
    threaded_server.expect_request("/spec/v1").respond_with_handler(slow(1.5))
    url = threaded_server.url_for("/spec/v1")
    result = run_cli("spec", "check", "--url", url, "--allow-http", "--timeout", "0.5", "--retries", "0")
    assert (result.returncode, result.stderr) == (2, f"astro-migrate: error: timed out after 0.5 s ({url})\n")


@pytest.mark.e2e
@pytest.mark.parametrize("command", [["spec", "check", "--file"], ["check"]])
def test_file_and_lint_commands_never_import_httpx(command, tmp_path):
    spec = tmp_path / FIXTURE.name  # a project of its own, not this repository
    shutil.copyfile(FIXTURE, spec)
    args = [*command, str(spec)]
    code = ("import sys\nfrom migrator.cli import main\n"
            f"try:\n main({args!r})\n"
            "finally:\n print('httpx' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.splitlines()[-1] == "False", result.stderr
