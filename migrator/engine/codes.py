"""The stable finding codes, in families: AM1xx v1beta1 URLs, AM2xx blockers, AM3xx fields,
AM4xx advice, AM9xx problems of the run itself."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    severity: str  # default severity: "error" | "warning" | "info"
    summary: str


CODES = {
    c.code: c
    for c in (
        Code("AM101", "v1beta1-url", "warning", "Astro API v1beta1 URL or base URL; rewrite it to v1."),
        Code("AM102", "v1beta1-path", "warning", "v1beta1 API path joined to a host the code does not show."),
        Code("AM103", "v1beta1-spec-url", "warning", "v1beta1 OpenAPI spec URL; v1 serves one spec at /spec/v1."),
        Code("AM104", "v1beta1-in-comment", "info", "A comment names a v1beta1 URL (reported, never rewritten)."),
        Code("AM106", "v1beta1-in-output", "info", "A stored notebook output shows a v1beta1 URL (reported, never rewritten)."),
        Code("AM105", "v1beta1-in-docstring", "info", "A docstring names a v1beta1 URL."),
        Code("AM201", "no-v1-equivalent", "error", "This endpoint has no v1 equivalent (alerts, notification channels)."),
        Code("AM202", "base-shared-with-blocker", "error", "A v1beta1 base that both migratable and blocked endpoints use."),
        Code("AM301", "token-type-renamed", "warning", "ApiToken `type` is `scope` in v1."),
        Code("AM302", "workload-identity-renamed", "warning", "Deployment `workloadIdentity` is `effectiveWorkloadIdentity` in v1 responses."),
        Code("AM303", "dr-workload-identity-renamed", "warning", "Deployment `drWorkloadIdentity` is `effectiveDRWorkloadIdentity` in v1 responses."),
        Code("AM304", "support-plan-removed", "warning", "`Organization.supportPlan` is gone in v1 (use `productPlans`)."),
        Code("AM305", "support-plan-filter-removed", "warning", "The `supportPlan` filter is gone in v1 (use `productPlan`)."),
        Code("AM306", "observe-product-removed", "warning", "`astronomerProduct=OBSERVE` is gone in v1."),
        Code("AM401", "v1-version-not-pinned", "info", "A v1 call that does not pin `X-API-Version`."),
        Code("AM901", "syntax-error", "error", "The file could not be parsed; it was not checked."),
        Code("AM902", "unreadable-file", "error", "The file could not be read or decoded; it was not checked."),
        Code("AM911", "suppression-without-reason", "warning", "An `astro-migrate: ignore[...]` comment gives no reason."),
        Code("AM912", "expired-suppression", "warning", "An `astro-migrate: ignore[...]` comment is past its `until=` date; it no longer suppresses."),
        Code("AM913", "unused-suppression", "warning", "An `astro-migrate: ignore[...]` comment suppresses nothing."),
        Code("AM914", "invalid-suppression", "error", "An `astro-migrate: ignore[...]` comment names no valid code or has a bad `until=` date."),
    )
}


def is_selector(text: str) -> bool:
    """A code or code prefix that names at least one code ("AM1", "AM201")."""
    return bool(text) and any(code.startswith(text) for code in CODES)


def url(code: str) -> str:
    return f"https://github.com/astro-migrate/astro-migrate/blob/main/README.md#{code.lower()}"
