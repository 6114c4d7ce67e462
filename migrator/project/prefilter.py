"""The cheap first look: bytes that cannot lead to a finding are never decoded or parsed.

A finding needs a v1beta1 base of the rule table (also JSON-escaped, `iam\\/v1beta1`) or its parts
apart (the version beside an api word or a host: `VER=v1beta1` and `/iam/$VER`, `f"{ASTRO_API}/v1beta1/…"`),
or, for the field analysis of code already on v1, an Astro API host together with one of the field
names the rule table lists. Only `api.toml` is read here; the whole table waits for a match.
"""
from __future__ import annotations

import re
from collections.abc import Callable


class Prefilter:
    def __init__(self, hosts: tuple, field_words: Callable[[], tuple] | None = None):
        """`field_words` gives the byte strings a field finding needs; None: any host will do."""
        from migrator.engine import ruletable

        facts = ruletable.facts()
        self.hosts = tuple(h.encode() for h in hosts)
        self.versions = tuple(v.encode() for v in facts.versions)
        self.base = facts.marker_bytes
        apis = b"|".join(sorted({re.escape(base.api.encode()) for base in facts.bases}))
        self.api_word = re.compile(rb"(?<![\w.-])(?:" + apis + rb")(?![\w.-])")  # not `iam.cnrm.cloud…`
        self._field_words = field_words
        self._words: tuple | None = None

    def state(self) -> dict:
        """What `restored` needs to judge bytes as this prefilter does, as JSON data."""
        words = self._needed_words()
        text = [b.decode("latin-1") for b in (self.base.pattern, self.api_word.pattern)]
        return {"hosts": [h.decode("latin-1") for h in self.hosts],
                "versions": [v.decode("latin-1") for v in self.versions], "patterns": text,
                "words": None if words is None else [w.decode("latin-1") for w in words]}

    @classmethod
    def restored(cls, state: dict) -> "Prefilter":
        """The prefilter whose `state()` this is, without the rule table (ValueError: not one)."""
        try:
            prefilter = cls.__new__(cls)
            prefilter.hosts = tuple(h.encode("latin-1") for h in state["hosts"])
            prefilter.versions = tuple(v.encode("latin-1") for v in state["versions"])
            base, api_word = (re.compile(p.encode("latin-1")) for p in state["patterns"])
            prefilter.base, prefilter.api_word = base, api_word
            words = state["words"]
            needed = None if words is None else tuple(w.encode("latin-1") for w in words)
            prefilter._words = None
            prefilter._field_words = None if needed is None else (lambda: needed)
        except (KeyError, TypeError, AttributeError, UnicodeError, re.error) as error:
            raise ValueError(f"not a prefilter's state: {error}") from None
        return prefilter

    def may_match(self, data: bytes) -> bool:
        if any(version in data for version in self.versions) and (
            self.base.search(data) or any(host in data for host in self.hosts) or self.api_word.search(data)
        ):  # a base, or its parts apart (`GROUP = "platform"`, `f"{ASTRO_API}/v1beta1/…"`)
            return True
        if not any(host in data for host in self.hosts):
            return False
        words = self._needed_words()
        return words is None or any(word in data for word in words)

    def _needed_words(self) -> tuple | None:
        """The field words a file with a host but no base must hold; None: any host will do."""
        if self._field_words is None:
            return None
        if self._words is None:
            self._words = self._field_words()
        return self._words
