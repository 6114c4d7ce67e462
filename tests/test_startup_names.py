"""Issue 16: the importer search's look-ups, made cheaper, answer as before.

`ModuleTails` finds the files an unplaced import may load when it is asked, instead of listing
every dotted suffix of every file up front: for every name, the same files in the same order as
that list (the reference below), odd file names included. `WordIndex` searches the index words of
every module at once: the same modules as asking each one (`FileFacts.mentions`).
"""
from __future__ import annotations

import base64
import zlib
from array import array

from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.policy.imports import ModuleTails, namesakes
from migrator.project.index import FileFacts, WordIndex
from migrator.project.names import NameSearch

KEYS = ["include/astro_common.py", "proj/include/astro_common.py", "pkg/__init__.py", "__init__.py",
        "a/b/c.py", "b/c.py", "c.py", "x.y/c.py", "x/y.c.py", "dags\\win/job.py", "src/pkg/sub/__init__.py"]


def reference(keys) -> dict:
    """Every dotted suffix of every key -> the keys, as the importer search listed them before."""
    found: dict = {}
    for key in keys:
        parts = key.replace("\\", "/").split("/")
        parts[-1] = parts[-1][:-3] if parts[-1].endswith(".py") else parts[-1]
        if parts[-1] == "__init__":
            parts.pop()
        for first in range(len(parts)):
            found.setdefault(".".join(parts[first:]), []).append(key)
    return found


def test_every_dotted_suffix_finds_the_files_it_did():
    listed, tails = reference(KEYS), ModuleTails(KEYS)
    for module in [*listed, "", "y", "d", "astro", "include.astro", "c.c", "b.c.d"]:
        assert namesakes(module, tails) == listed.get(module, []), module


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "a.b", "__init__", "b.py", "x"]), min_size=1, max_size=3)
                .map(lambda parts: "/".join(parts) + ".py"), max_size=8),
       st.sampled_from(["a", "b", "a.b", "b.b", "x", "a.x", "b.a.b", ""]))
def test_any_files_and_name(keys, module):
    assert namesakes(module, ModuleTails(keys)) == reference(keys).get(module, [])


def facts_with(hashes, ascii_only: bool = True, known: bool = True) -> FileFacts:
    words = base64.b64encode(array("I", sorted(hashes)).tobytes()).decode("ascii") if known else None
    return FileFacts(0, 0, 0, 0, 0, "", False, words, ascii_only)


def straddling(value: int) -> tuple:
    """Two hashes whose bytes, side by side, hold `value`'s bytes at every unaligned offset."""
    packed = array("I", [value]).tobytes()
    first, second = array("I"), array("I")
    first.frombytes(b"\xff" + packed[:3])
    second.frombytes(packed[3:] + b"\xfe\xfd\xfc")
    return first[0], second[0]


NAMES = ["BASE", "astro_settings", "config_205", "élan"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sets(st.sampled_from(range(6))), st.booleans(), st.booleans()), max_size=8),
       st.sets(st.sampled_from(NAMES), min_size=1))
def test_the_word_index_answers_as_each_file_would(files, names):
    """Hashes that hold a searched hash's bytes across their boundary are not a mention of it."""
    searched = [zlib.crc32(name.encode()) for name in NAMES[:3]]
    pool = [searched[0], *straddling(searched[0]), *straddling(searched[1]), 12345]
    facts = [facts_with({pool[i] for i in chosen}, ascii_only, known) for chosen, ascii_only, known in files]
    search = NameSearch(names)
    assert WordIndex(facts).mentioning(search) == {i for i, one in enumerate(facts) if search.may_mention(one)}
