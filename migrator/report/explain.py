"""`astro-migrate explain CODE` and `astro-migrate rules`: what each code and each rule means."""
from __future__ import annotations

from migrator.engine import codes, deadline

# code -> (why it matters, before, after); after is "" where nothing rewrites it.
DETAILS = {
    "AM101": ("v1beta1 URLs stop working at end of support; v1 serves the same paths under /v1.",
              'BASE = "https://api.astronomer.io/platform/v1beta1"',
              'BASE = "https://api.astronomer.io/v1"'),
    "AM102": ("A v1beta1 path joined to a host from elsewhere (an environment variable, a setting) still "
              "calls v1beta1.",
              'url = f"{ASTRO_HOST}/iam/v1beta1/organizations/{org}/teams"',
              'url = f"{ASTRO_HOST}/v1/organizations/{org}/teams"'),
    "AM103": ("v1 publishes one OpenAPI spec for both APIs; client generators that fetch the v1beta1 spec "
              "keep generating v1beta1 clients.",
              "curl -o spec.yaml https://api.astronomer.io/spec/platform/v1beta1",
              "curl -o spec.yaml https://api.astronomer.io/spec/v1"),
    "AM104": ("Comments that name v1beta1 URLs send readers to an API that will be gone.",
              "# see https://api.astronomer.io/iam/v1beta1/organizations", ""),
    "AM105": ("Docstrings that name v1beta1 URLs document an API that will be gone.",
              '"""Calls https://api.astronomer.io/iam/v1beta1/organizations."""', ""),
    "AM106": ("A notebook stores the output of a cell that called v1beta1; the output is a record, "
              "not code, so it is never rewritten: re-run the cell once its code is fixed.",
              '"outputs": [{"text": ["GET https://api.astronomer.io/platform/v1beta1/organizations"]}]', ""),
    "AM201": ("v1 has no equivalent for this endpoint (alerts, notification channels); the call stops "
              "working at end of support and no rewrite can save it.",
              'requests.get(f"{BASE}/organizations/{org}/alerts")', ""),
    "AM202": ("The base is used by endpoints v1 serves and by endpoints it lacks; rewriting it would break "
              "the blocked calls, so the base is split: the fix does it where the calls name it directly "
              "in the same module.",
              'BASE = "https://api.astronomer.io/platform/v1beta1"  # used for deployments and alerts',
              'BASE = "https://api.astronomer.io/v1"\n    BASE_V1BETA1 = "https://api.astronomer.io/platform/v1beta1"  # alerts'),
    "AM301": ("v1 API tokens name their scope `scope`; code reading `type` gets nothing.",
              'token["type"]', 'token["scope"]'),
    "AM302": ("v1 Deployment responses return `effectiveWorkloadIdentity`.",
              'deployment["workloadIdentity"]', 'deployment["effectiveWorkloadIdentity"]'),
    "AM303": ("v1 Deployment responses return `effectiveDRWorkloadIdentity`.",
              'deployment["drWorkloadIdentity"]', 'deployment["effectiveDRWorkloadIdentity"]'),
    "AM304": ("`Organization.supportPlan` is gone in v1.", 'org["supportPlan"]', 'org["productPlans"]'),
    "AM305": ("ListOrganizations no longer filters by `supportPlan`.",
              'params={"supportPlan": "BUSINESS"}', 'params={"productPlan": "BUSINESS"}'),
    "AM306": ("`astronomerProduct` only accepts `ASTRO` in v1.", 'params={"astronomerProduct": "OBSERVE"}', ""),
    "AM401": ("Without `X-API-Version`, a v1 call follows the newest minor version and may change under you.",
              'requests.get(f"{V1}/organizations", headers=auth)',
              'requests.get(f"{V1}/organizations", headers={**auth, "X-API-Version": "1.0"})'),
    "AM901": ("A file that does not parse was not checked; its v1beta1 calls, if any, are unknown.", "", ""),
    "AM902": ("A file that cannot be read or decoded was not checked.", "", ""),
    "AM911": ("Suppressions without a reason cannot be reviewed or retired.",
              "# astro-migrate: ignore[AM201]",
              "# astro-migrate: ignore[AM201] alerts API has no v1 yet, tracked in OPS-123 until=2026-12-15"),
    "AM912": ("A suppression past its `until=` date no longer hides the finding; fix it or extend the date.",
              "# astro-migrate: ignore[AM101] legacy job until=2026-01-31", ""),
    "AM913": ("A suppression that suppresses nothing hides the next finding someone adds there.",
              "# astro-migrate: ignore[AM101] old URL, already fixed", ""),
    "AM914": ("A suppression with no valid code or an unreadable `until=` date cannot be applied.",
              "# astro-migrate: ignore[AM1O1] typo until=next-week",
              "# astro-migrate: ignore[AM101] reason until=2026-12-31"),
}


def help_text(code: str) -> str:
    """Summary, why, and the before/after example of `code`, as plain text."""
    entry = codes.CODES[code]
    why, before, after = DETAILS[code]
    lines = [f"{entry.code} ({entry.name}): {entry.summary}", "", why]
    if before:
        lines += ["", "Before:", f"    {before}"]
    if after:
        lines += ["After:", f"    {after}"]
    return "\n".join(lines)


def explain(code: str, table, days: int) -> str:
    entry = codes.CODES[code]
    lines = [help_text(code), "", f"Default severity: {entry.severity}"]
    if code.startswith(deadline.DEADLINE_BOUND):
        lines.append(f"Deadline: {table.end_of_support} ({deadline.phrase(days)}); "
                     "severity rises as it nears (see error-within-days, warning-within-days).")
    lines.append(f"Migration guide: {table.migration_guide}")
    return "\n".join(lines) + "\n"


def statuses(operation) -> tuple:
    found = ("blocker",) if operation.blocked else ("rewrite",)
    return found + (("field-change",) if operation.fields else ())


def rules(table, status: str = None) -> str:
    """The rule table, one operation a line, optionally only those with `status`."""
    lines = []
    for op in table.operations:
        tags = statuses(op)
        if status and status not in tags:
            continue
        target = "no v1 equivalent" if op.blocked else f"/v1{op.v1}"
        changes = ", ".join(c.code for where in op.fields.values() for c in where)
        lines.append(f"{op.method:<6} {op.api}/v1beta1{op.path} -> {target}  [{', '.join(tags)}]"
                     f"{'  ' + changes if changes else ''}  {op.operation_id}")
    lines.append(f"{len(lines)} operation{'s' if len(lines) != 1 else ''}")
    return "\n".join(lines) + "\n"
