"""The result cache holds data only: every cached type round-trips exactly, and anything else in
an entry (a pickle, garbage, wrong types, unknown types, huge files, symlinks, FIFOs) is a miss."""
from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import os
import pickle
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pytest
from helpers import FIXTURES

from migrator import analysis
from migrator import api as run
from migrator.engine.findings import Finding
from migrator.engine.templates import Lit
from migrator.project import cache as cache_module
from migrator.project.cache import CACHE_DIR, Cache, clean
from migrator.project.codec import MAGIC, RESULTS, SCHEMA, Codec, CodecError
from migrator.project.filetypes import kind_of

PACKAGE = Path(analysis.__file__).parent
HOSTS = ("api.astronomer.io",)


def outcomes() -> list:
    """The analysis of every fixture file, as the pipeline would cache it."""
    found = []
    for path in sorted(FIXTURES.rglob("*")):
        kind = kind_of(str(path)) if path.is_file() else None
        if kind:
            found.append(analysis.analyse(str(path.relative_to(FIXTURES)), kind, path.read_bytes(), HOSTS))
    return found


def assert_identical(left, right, where="value"):
    """Equal, and of the same types all the way down (a tuple is not a list), `extra` included."""
    assert type(left) is type(right), f"{where}: {type(left).__name__} != {type(right).__name__}"
    if dataclasses.is_dataclass(left):
        for item in dataclasses.fields(left):
            assert_identical(getattr(left, item.name), getattr(right, item.name), f"{where}.{item.name}")
    elif isinstance(left, (list, tuple)):
        assert len(left) == len(right), where
        for index, (a, b) in enumerate(zip(left, right)):
            assert_identical(a, b, f"{where}[{index}]")
    elif isinstance(left, dict):
        assert list(left) == list(right), where
        for name in left:
            assert_identical(left[name], right[name], f"{where}[{name!r}]")
    else:
        assert left == right, where


def types_in(value, seen: set) -> set:
    seen.add(type(value))
    if dataclasses.is_dataclass(value):
        for item in dataclasses.fields(value):
            types_in(getattr(value, item.name), seen)
    elif isinstance(value, dict):
        for name, item in value.items():
            types_in(name, seen)
            types_in(item, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            types_in(item, seen)
    return seen


def test_every_cached_type_round_trips_exactly():
    found = outcomes()
    seen: set = set()
    for outcome in found:
        assert_identical(RESULTS.decode(RESULTS.encode(outcome)), outcome)
        types_in(outcome, seen)
    assert set(RESULTS.types.values()) <= seen, "a fixture should exercise every allowed type"
    assert {tuple, list, set, dict} <= seen


def test_containers_and_scalars_keep_their_types():
    value = analysis.Outcome(findings=[Finding(
        "AM101", "ünïcode \udcff and \x00", 0, 1,
        extra={
            "base": ("a.py", 3), 7: frozenset({1, 2}), (1, "x"): {"s", "t"},
            "f": 1.5, "n": None, "b": True, "l": [[]],
        },
    )])
    assert_identical(RESULTS.decode(RESULTS.encode(value)), value)
    assert RESULTS.decode(RESULTS.encode(value)).findings[0].extra[7] == frozenset({1, 2})


@dataclass
class Item:
    name: str
    size: int = 0


@dataclass
class Box:
    items: list[Item] = field(default_factory=list)
    label: str | None = None


def codec_for(*types) -> Codec:
    codec = Codec()
    codec.allow(*types)
    return codec


BOXES = codec_for(Box, Item)


def test_the_codec_follows_the_dataclass_fields_and_rejects_stale_entries():
    old = BOXES.encode(Box([Item("a", 1)], "x"))
    # the same types, one field more (as when another engineer adds a field)
    item = dataclasses.make_dataclass("Item", [("name", str), ("size", int, 0), ("colour", str, "red")])
    box = dataclasses.make_dataclass("Box", [("items", list[item]), ("label", Optional[str], None)])
    newer = codec_for(box, item)
    assert newer.decode(newer.encode(box([item("a", 1, "blue")]))).items[0].colour == "blue"
    with pytest.raises(CodecError, match="stale"):
        newer.decode(old)


def entry(body, header: bytes = None) -> bytes:
    """An entry of BOXES holding `body` (JSON text, or data to dump), with a matching digest."""
    body = body if isinstance(body, bytes) else json.dumps(body).encode()
    return (header or BOXES.header) + hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def box(items=None, label=None, item=("a", 1)) -> dict:
    return {"c": "Box", "v": [[{"c": "Item", "v": list(item)}] if items is None else items, label]}


@pytest.mark.parametrize("data", [
    entry(box(item=("a", "1"))),  # wrong type
    entry(box(item=("a", True))),  # a bool is not an int
    entry(box(label=5)),
    entry(box(item=({"t": ["a"]}, 1))),
    entry(box(items=[1])),  # list[Item] holding an int
    entry(box(items={"t": []})),  # a tuple for a list
    entry({"c": "Popen", "v": [["ls"]]}),  # a type outside the allowlist
    entry({"c": "Item", "v": ["a", 1]}),  # not the root type
    entry(box(item=("a",))),  # a field missing
    entry(box(item=("a", 1, 2))),  # a field too many
    entry({"c": "Box", "v": {"items": [], "label": None}}),
    entry({"c": "Box", "v": [[], None], "x": 1}),
    entry({"c": "Box"}),
    entry(box(label={"s": [[1]]})),  # unhashable set member
    entry(box(label={"d": [[[1], 2]]})),  # unhashable key
    entry(box(label={"d": [[1]]})),
    entry(box(label={"q": []})),  # unknown tag
    entry(box(label={"t": 5})),
    entry(box(), header=MAGIC + b"0123456789abcdef "),  # another layout of the types
    entry(box(), header=b"astro-migrate-cache/%d " % (SCHEMA + 1) + BOXES.header[len(MAGIC):]),  # another schema
    entry(box(), header=b"other/1 "),
    entry(box())[:-7],  # truncated: the digest no longer matches
    entry(box()).replace(b'"a"', b'"b"'),  # edited without a new digest
    entry(b"[" * 100_000 + b"]" * 100_000),
    entry(b'{"t": [' * 20_000 + b"]}" * 20_000),
    entry(b"\xff\xfe garbage"),
    entry(b""),
    entry(b"[]"),
    b"",
    json.dumps(box()).encode(),
    pickle.dumps(Box([Item("a", 1)])),
])
def test_anything_unexpected_is_a_codec_error(data):
    assert BOXES.decode(entry(box())) == Box([Item("a", 1)])
    with pytest.raises(CodecError):
        BOXES.decode(data)


def test_values_outside_the_allowlist_are_not_encoded():
    with pytest.raises(CodecError, match="not allowed"):
        RESULTS.encode(analysis.Outcome(findings=[object()]))
    with pytest.raises(CodecError, match="expected a Outcome"):
        RESULTS.encode(Lit("x"))


# --- the cache on disk --------------------------------------------------------------------


def project(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "python" / "crossmodule" / "etl", tmp_path / "etl")
    shutil.copyfile(FIXTURES / "python" / "strings" / "before.py", tmp_path / "strings.py")
    return tmp_path


def findings(result) -> list:
    return [(f.path, finding) for f, finding in result.findings]


def entries(root: Path) -> list:
    return sorted(p for p in (root / CACHE_DIR).glob("??/*") if p.is_file())


def test_a_planted_pickle_is_ignored_and_runs_nothing(tmp_path, monkeypatch):
    class Plant:
        def __init__(self, target: Path):
            self.target = target

        def __reduce__(self):
            return (open, (str(self.target), "w"))

    proof = tmp_path / "proof-that-the-payload-works"
    pickle.loads(pickle.dumps(Plant(proof)))
    assert proof.exists()

    monkeypatch.chdir(project(tmp_path / "p"))
    expected = findings(run.check(["."], run.Options(jobs=1, no_cache=True)))
    run.check(["."], run.Options(jobs=1))
    planted = tmp_path / "planted-code-ran"
    payload = pickle.dumps(Plant(planted))
    assert entries(Path("."))
    for entry in entries(Path(".")):
        entry.write_bytes(payload)
    assert findings(run.check(["."], run.Options(jobs=1))) == expected
    assert not planted.exists()
    # the entries were rewritten as data
    assert all(entry.read_bytes().startswith(RESULTS.header) for entry in entries(Path(".")))


def test_corrupt_entries_are_misses_and_results_stay_right(tmp_path, monkeypatch):
    monkeypatch.chdir(project(tmp_path))
    expected = findings(run.check(["."], run.Options(jobs=1, no_cache=True)))
    run.check(["."], run.Options(jobs=1))
    good = {entry: entry.read_bytes() for entry in entries(tmp_path)}
    cache = Cache()
    chance = random.Random(13)
    for round_ in range(150):
        for entry, data in good.items():
            damaged = bytearray(data)
            for _ in range(1 + round_ % 4):
                damaged[chance.randrange(len(damaged))] ^= 1 << chance.randrange(8)
            if round_ % 5 == 0:
                damaged = damaged[: chance.randrange(len(damaged))]
            entry.write_bytes(bytes(damaged))
            assert cache.get(entry.name) is None  # never raises, never a damaged value
    for entry in good:
        entry.write_bytes(b"\x80garbage")
    assert findings(run.check(["."], run.Options(jobs=1))) == expected


def test_symlinks_fifos_and_huge_entries_are_misses(tmp_path, monkeypatch):
    monkeypatch.chdir(project(tmp_path))
    run.check(["."], run.Options(jobs=1))
    cache = Cache()
    first, second, third = entries(tmp_path)[:3]
    assert cache.get(first.name) is not None
    # a symbolic link to a valid entry
    saved = tmp_path / "saved"
    shutil.copyfile(first, saved)
    first.unlink()
    first.symlink_to(saved)
    assert cache.get(first.name) is None
    # a FIFO: a miss at once, not a hang
    second.unlink()
    os.mkfifo(second)
    assert cache.get(second.name) is None
    # larger than an entry can be (a sparse file: no disk used)
    with open(third, "r+b") as handle:
        handle.truncate(cache_module.MAX_ENTRY_BYTES + 1)
    assert cache.get(third.name) is None


def test_a_symlinked_cache_folder_is_neither_read_nor_written(tmp_path, monkeypatch):
    outside = tmp_path / "outside"
    outside.mkdir()
    monkeypatch.chdir(project(tmp_path / "p"))
    (tmp_path / "p" / CACHE_DIR).symlink_to(outside)
    run.check(["."], run.Options(jobs=1))
    assert list(outside.iterdir()) == []
    assert clean(CACHE_DIR) and not os.path.lexists(CACHE_DIR) and outside.is_dir()


def test_the_package_imports_no_pickle():
    banned = {"pickle", "cPickle", "_pickle", "dill", "shelve", "marshal", "cloudpickle"}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not {n.split(".")[0] for n in names} & banned, f"{path} imports {names}"
