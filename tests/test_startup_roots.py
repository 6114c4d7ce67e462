"""Issue 16: the import roots that apply to a file are found from the folders above it alone.

`ProjectRoots.applying(key)` (what the resolver asks, one importer at a time) must be exactly the
roots of the whole project (`import_roots`) whose scope holds the file: the same folders, in the
same order, for every file of a monorepo with Astro projects, a src layout and configured roots.
"""
from __future__ import annotations

from migrator.project.modules import ModuleResolver, ProjectRoots, import_roots

FILES = {
    "proj_a/dags/sync.py": "from include.settings import BASE\n",
    "proj_a/include/settings.py": "BASE = 'x'\n",
    "proj_a/plugins/hooks.py": "",
    "proj_b/Dockerfile": "FROM quay.io/astronomer/astro-runtime:12.1.0\n",
    "proj_b/jobs/run.py": "import common\n",
    "proj_b/common.py": "",
    "libs/pkg/src/pkg/__init__.py": "",
    "libs/pkg/src/pkg/client.py": "",
    "tools/vendor/helper.py": "",
    "tools/script.py": "import helper\n",
    "notes/Dockerfile": "FROM python:3.12\n",
    "notes/nb.py": "",
}


def test_the_roots_applying_to_each_file_are_those_of_the_whole_project_that_hold_it(tmp_path):
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    keys = sorted(name for name in FILES if name.endswith(".py"))
    configured = [str(tmp_path / "tools" / "vendor")]
    everything = import_roots(keys, str(tmp_path), configured)
    assert {r.why for r in everything} == {"Astro project", "Airflow dags folder", "Airflow plugins folder",
                                           "src layout", "configured", "project root"}
    for key in keys:
        holding = tuple(r for r in everything if not r.scope or key.startswith(r.scope + "/"))
        assert ProjectRoots(keys, str(tmp_path), configured).applying(key) == holding, key
    resolver = ModuleResolver.for_project(keys, str(tmp_path), configured)
    assert resolver.resolve("include.settings", "proj_a/dags/sync.py").keys == ("proj_a/include/settings.py",)
    assert resolver.resolve("common", "proj_b/jobs/run.py").keys == ("proj_b/common.py",)
    assert resolver.resolve("helper", "tools/script.py").keys == ("tools/vendor/helper.py",)
    assert resolver.resolve("pkg.client", "notes/nb.py").keys == ("libs/pkg/src/pkg/client.py",)
    assert resolver.roots == everything
