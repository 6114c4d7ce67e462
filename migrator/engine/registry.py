"""The registry of rules: one entry per finding code, read from `rules/codes.toml`.

Codes come in families: AM1xx v1beta1 URLs, AM2xx blockers, AM3xx fields, AM4xx advice, AM9xx
problems of the run itself. Each entry carries what `explain`, `rules`, SARIF, the README and
the example tests need: name, severity policy, summary, explanation, fix applicability and
runnable before/after examples.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from migrator.engine import ruletable
from migrator.engine.ruletable import RuleTableError, check_keys

SEVERITIES = ("error", "warning", "info")
FIX_APPLICABILITY = ("always", "sometimes", "never")
CATEGORIES = ("url", "blocker", "field", "advice", "run")
README_URL = "https://github.com/astro-migrate/astro-migrate/blob/main/README.md"


@dataclass(frozen=True)
class Example:
    """A file as a user writes it (`before`) and as `--fix` leaves it (`after`, None: unchanged).
    `line` is where the finding is reported; `encoding` is how the file is saved."""

    file: str
    line: int
    before: str
    after: Optional[str] = None
    encoding: str = "utf-8"

    @property
    def expected(self) -> str:
        return self.before if self.after is None else self.after


@dataclass(frozen=True)
class Rule:
    """One finding code's entry in `rules/codes.toml`."""

    code: str
    name: str
    category: str  # one of CATEGORIES
    severity: str  # default severity, one of SEVERITIES
    escalates: bool  # the deadline clock raises the severity as end of support nears
    fix: str  # one of FIX_APPLICABILITY
    summary: str
    explanation: str
    examples: tuple  # (Example, ...)

    @property
    def anchor(self) -> str:
        """The README heading of this rule (`### AM101`) as a URL fragment."""
        return self.code.lower()

    @property
    def help_uri(self) -> str:
        return f"{README_URL}#{self.anchor}"

    def severity_policy(self) -> str:
        """How severity is decided, in words."""
        if not self.escalates:
            return f"{self.severity}, whatever the date"
        raised = {"warning": "error within `error-within-days`", "info": "warning within `warning-within-days`"}
        rise = raised.get(self.severity)
        return f"{self.severity}; {rise} of end of support" if rise else f"{self.severity} from the start"


def rules(folder: Optional[Path] = None) -> dict:
    """Every rule by code, in code order, from `folder`, `$ASTRO_MIGRATE_RULES_DIR` or the shipped table."""
    return _rules(folder or ruletable.rules_dir())


def rule(code: str) -> Rule:
    return rules()[code]


def is_selector(text: str) -> bool:
    """A code or code prefix that names at least one code ("AM1", "AM201")."""
    return bool(text) and any(code.startswith(text) for code in rules())


def help_url(code: str) -> str:
    return rules()[code].help_uri


@functools.lru_cache(maxsize=4)
def _rules(folder: Optional[Path]) -> dict:
    return parse_rules(ruletable.parse("codes.toml", ruletable.read_rule_file("codes.toml", folder)))


def parse_rules(raw: dict) -> dict:
    """Validate `codes.toml` and build the rules."""
    out = {}
    for code in sorted(raw):
        spec = dict(raw[code])
        where = f"codes.toml [{code}]"
        if not (len(code) == 5 and code.startswith("AM") and code[2:].isdigit()):
            raise RuleTableError(f"{where}: a code is AM and three digits")
        check_keys(where, spec, ("name", "category", "severity", "escalates", "fix", "summary", "explanation",
                                 "examples"))
        for key, allowed in (("category", CATEGORIES), ("severity", SEVERITIES), ("fix", FIX_APPLICABILITY)):
            if spec[key] not in allowed:
                raise RuleTableError(f"{where}: {key} must be one of {', '.join(allowed)}")
        examples = []
        for example in spec.pop("examples"):
            check_keys(f"{where} example", example, ("file", "line", "before"), ("after", "encoding"))
            examples.append(Example(**example))
        if not examples:
            raise RuleTableError(f"{where}: needs at least one example")
        if spec["fix"] == "never" and any(e.after is not None for e in examples):
            raise RuleTableError(f"{where}: a rule that is never fixed has no `after`")
        out[code] = Rule(code=code, examples=tuple(examples), **spec)
    return out
