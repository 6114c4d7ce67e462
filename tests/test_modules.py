"""The project model's foundations: the project root, import roots and module resolution,
on real trees written to tmp_path."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from migrator.project import config
from migrator.project.modules import ImportRoot, ModuleResolver, import_roots
from migrator.project.root import find_root, project_key

SETTINGS = 'ALERTS_API = "https://api.astronomer.io/platform/v1beta1/organizations/o1"\n'


def tree(root: Path, files: dict) -> Path:
    """Write `files` (relative path -> text; a path ending in "/" is an empty folder)."""
    for name, text in files.items():
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def resolver(root: Path, configured: tuple = ()) -> ModuleResolver:
    keys = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))
    return ModuleResolver.for_project(keys, str(root), configured)


def keys(found, module: str, importer: str) -> tuple:
    return found.resolve(module, importer).keys


# --- the project root ---------------------------------------------------------------------


def test_root_is_the_git_root_of_the_named_paths_whatever_the_cwd(tmp_path):
    tree(tmp_path, {"repo/.git/": "", "repo/dags/etl.py": "", "elsewhere/": ""})
    assert find_root(["dags/etl.py"], str(tmp_path / "repo")) == str(tmp_path / "repo")
    assert find_root([str(tmp_path / "repo/dags/etl.py")], str(tmp_path / "elsewhere")) == str(tmp_path / "repo")
    assert find_root(["../repo/dags"], str(tmp_path / "elsewhere")) == str(tmp_path / "repo")


def test_root_without_paths_is_the_root_of_the_cwd(tmp_path):
    tree(tmp_path, {"repo/.git/": "", "repo/dags/etl.py": ""})
    assert find_root([], str(tmp_path / "repo" / "dags")) == str(tmp_path / "repo")


def test_a_git_file_marks_a_worktree_or_submodule_root(tmp_path):
    tree(tmp_path, {"wt/.git": "gitdir: /somewhere/else\n", "wt/include/a.py": ""})
    assert find_root(["include/a.py"], str(tmp_path / "wt")) == str(tmp_path / "wt")


def test_git_root_wins_over_a_nearer_configuration(tmp_path):
    tree(tmp_path, {"repo/.git/": "", "repo/proj/astro-migrate.toml": "", "repo/proj/dags/x.py": ""})
    assert find_root(["proj/dags/x.py"], str(tmp_path / "repo")) == str(tmp_path / "repo")


def test_without_git_the_configuration_folder_is_the_root(tmp_path):
    tree(tmp_path, {
        "own/astro-migrate.toml": "", "own/dags/x.py": "",
        "py/pyproject.toml": '[tool.astro-migrate]\nignore = ["AM104"]\n', "py/dags/x.py": "",
        "plain/pyproject.toml": '[project]\nname = "x"\n', "plain/dags/x.py": "",
    })
    assert find_root(["own/dags/x.py"], str(tmp_path)) == str(tmp_path / "own")
    assert find_root(["py/dags/x.py"], str(tmp_path)) == str(tmp_path / "py")
    # a pyproject.toml without the table marks nothing: the cwd holds the path
    assert find_root(["plain/dags/x.py"], str(tmp_path)) == str(tmp_path)


def test_a_broken_configuration_does_not_stop_the_root_search(tmp_path):
    tree(tmp_path, {"p/pyproject.toml": "tool = 5\n", "p/a.py": "", "q/pyproject.toml": "[[[", "q/a.py": ""})
    assert find_root(["p/a.py", "q/a.py"], str(tmp_path)) == str(tmp_path)


def test_without_markers_the_cwd_or_the_common_parent_of_the_paths(tmp_path):
    tree(tmp_path, {"work/a/x.py": "", "work/b/y.py": "", "cwd/": ""})
    assert find_root(["a/x.py", "b/y.py"], str(tmp_path / "work")) == str(tmp_path / "work")
    named = [str(tmp_path / "work/a/x.py"), str(tmp_path / "work/b/y.py")]
    assert find_root(named, str(tmp_path / "cwd")) == str(tmp_path / "work")


def test_paths_from_different_roots_give_the_folder_holding_them_all(tmp_path):
    tree(tmp_path, {
        "one/.git/": "", "one/a.py": "", "two/.git/": "", "two/b.py": "",
        "super/.git/": "", "super/sub/.git": "gitdir: ../.git/modules/sub\n", "super/sub/c.py": "", "super/d.py": "",
        "loose/e.py": "",
    })
    # two unrelated repositories: their common parent is the run's one project
    assert find_root(["one/a.py", "two/b.py"], str(tmp_path)) == str(tmp_path)
    # a submodule named beside its superproject: the superproject
    assert find_root(["super/sub/c.py", "super/d.py"], str(tmp_path)) == str(tmp_path / "super")
    # a repository and a loose file outside the cwd: the folder holding both
    assert find_root([str(tmp_path / "one/a.py"), str(tmp_path / "loose/e.py")], str(tmp_path / "two")) == str(tmp_path)


def test_paths_as_named_become_file_keys_of_the_project(tmp_path):
    root, cwd = str(tmp_path / "repo"), str(tmp_path / "repo" / "dags")
    assert project_key("etl.py", root, cwd) == "dags/etl.py"
    assert project_key("../include/a.py", root, cwd) == "include/a.py"
    assert project_key(str(tmp_path / "repo" / "x.py"), root, cwd) == "x.py"
    assert project_key("../../elsewhere/y.py", root, cwd) is None
    assert project_key(str(tmp_path / "repository" / "y.py"), root, cwd) is None


# --- import roots -------------------------------------------------------------------------


MONOREPO = {
    "proj_a/Dockerfile": "FROM quay.io/astronomer/astro-runtime:12.1.0\n",
    "proj_a/dags/alerts_dag.py": "import include.astro_settings\n",
    "proj_a/include/__init__.py": "",
    "proj_a/include/astro_settings.py": SETTINGS,
    "proj_a/plugins/hooks.py": "",
    "proj_b/dags/deploy_dag.py": "from include.astro_settings import ALERTS_API\n",
    "proj_b/include/astro_settings.py": SETTINGS,  # a namespace package: no __init__.py
    "proj_c/.astro/config.yaml": "project:\n  name: c\n",
    "proj_c/tasks.py": "",
    "proj_d/Dockerfile": "FROM quay.io/astronomer/astro-runtime:12.1.0\n",
    "proj_d/tasks.py": "",
    "tools/report.py": "import include.astro_settings\n",
    "tools/Dockerfile": "FROM python:3.12\n",
}


def test_import_roots_of_a_monorepo_of_astro_projects(tmp_path):
    tree(tmp_path, MONOREPO)
    keys_ = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.py"))
    assert import_roots(keys_, str(tmp_path)) == (
        ImportRoot("", "", "project root"),
        ImportRoot("proj_a", "proj_a", "Astro project"),
        ImportRoot("proj_a/dags", "proj_a", "Airflow dags folder"),
        ImportRoot("proj_a/plugins", "proj_a", "Airflow plugins folder"),
        ImportRoot("proj_b", "proj_b", "Astro project"),
        ImportRoot("proj_b/dags", "proj_b", "Airflow dags folder"),
        ImportRoot("proj_c", "proj_c", "Astro project"),
        ImportRoot("proj_d", "proj_d", "Astro project"),
    )


def test_an_unreadable_dockerfile_marks_nothing_and_blocks_nothing(tmp_path):
    tree(tmp_path, {"a/run.py": "", "b/run.py": "", "b/Dockerfile/": ""})
    os.mkfifo(tmp_path / "a" / "Dockerfile")
    assert import_roots(["a/run.py", "b/run.py"], str(tmp_path)) == (ImportRoot("", "", "project root"),)


def test_same_module_name_in_two_astro_projects_is_each_projects_own_file(tmp_path):
    found = resolver(tree(tmp_path, MONOREPO))
    resolution = found.resolve("include.astro_settings", "proj_a/dags/alerts_dag.py")
    assert resolution.resolved == "proj_a/include/astro_settings.py"
    assert resolution.packages == ("proj_a/include/__init__.py",)
    resolution = found.resolve("include.astro_settings", "proj_b/dags/deploy_dag.py")
    assert resolution.resolved == "proj_b/include/astro_settings.py"
    # outside both projects the name means nothing in the project; the full name does
    assert keys(found, "include.astro_settings", "tools/report.py") == ()
    assert keys(found, "proj_b.include.astro_settings", "tools/report.py") == ("proj_b/include/astro_settings.py",)
    # Airflow's sys.path: dags/ and plugins/ of the importer's own project only
    assert keys(found, "hooks", "proj_a/dags/alerts_dag.py") == ("proj_a/plugins/hooks.py",)
    assert keys(found, "hooks", "proj_b/dags/deploy_dag.py") == ()


def test_who_may_import_a_module(tmp_path):
    found = resolver(tree(tmp_path, MONOREPO))
    imports = {
        "proj_a/dags/alerts_dag.py": ["include.astro_settings"],
        "proj_b/dags/deploy_dag.py": ["include", "include.astro_settings"],
        "tools/report.py": ["include.astro_settings", "os"],
        "proj_a/plugins/hooks.py": ["requests"],
    }
    assert found.importers("proj_a/include/astro_settings.py", imports) == ("proj_a/dags/alerts_dag.py",)
    assert found.importers("proj_b/include/astro_settings.py", imports) == ("proj_b/dags/deploy_dag.py",)
    # importing a module runs its package's __init__.py first
    assert found.importers("proj_a/include/__init__.py", imports) == ("proj_a/dags/alerts_dag.py",)
    assert found.names_of("proj_a/include/astro_settings.py") == (
        "astro_settings", "include.astro_settings", "proj_a.include.astro_settings",
    )


def test_src_layout_is_importable_from_every_file(tmp_path):
    found = resolver(tree(tmp_path, {
        "libs/astro_client/src/astro_client/__init__.py": "",
        "libs/astro_client/src/astro_client/api.py": SETTINGS,
        "libs/astro_client/tests/test_api.py": "from astro_client.api import ALERTS_API\n",
        "dags/etl.py": "import astro_client.api\n",
    }))
    for importer in ("libs/astro_client/tests/test_api.py", "dags/etl.py"):
        resolution = found.resolve("astro_client.api", importer)
        assert resolution.keys == ("libs/astro_client/src/astro_client/api.py",)
        assert resolution.packages == ("libs/astro_client/src/astro_client/__init__.py",)


def test_nested_packages_give_the_init_chain_and_a_package_wins_over_a_module(tmp_path):
    found = resolver(tree(tmp_path, {
        "a/__init__.py": "", "a/b/__init__.py": "", "a/b/c.py": "", "a/b.py": "", "main.py": "",
    }))
    resolution = found.resolve("a.b.c", "main.py")
    assert resolution.keys == ("a/b/c.py",)
    assert resolution.packages == ("a/__init__.py", "a/b/__init__.py")
    assert keys(found, "a.b", "main.py") == ("a/b/__init__.py",)
    assert keys(found, "a", "main.py") == ("a/__init__.py",)
    assert keys(found, "a.missing", "main.py") == ()
    assert keys(found, "a-b.c", "main.py") == ()


def test_relative_imports_resolve_against_the_importers_package(tmp_path):
    found = resolver(tree(tmp_path, {
        "pkg/__init__.py": "", "pkg/util.py": "", "pkg/sub/__init__.py": "", "pkg/sub/m.py": "",
        "pkg/sub/x.py": "", "top.py": "",
    }))
    assert keys(found, ".x", "pkg/sub/m.py") == ("pkg/sub/x.py",)
    assert keys(found, ".", "pkg/sub/m.py") == ("pkg/sub/__init__.py",)
    assert keys(found, "..", "pkg/sub/m.py") == ("pkg/__init__.py",)
    assert keys(found, "..util", "pkg/sub/m.py") == ("pkg/util.py",)
    assert keys(found, ".x", "pkg/sub/__init__.py") == ("pkg/sub/x.py",)
    # beyond the top-level package: unknown (Python raises ImportError)
    assert keys(found, "...util", "pkg/sub/m.py") == ()
    assert keys(found, "..util", "pkg/util.py") == ()
    assert keys(found, ".pkg", "top.py") == ()


def test_namespace_packages_resolve_without_init_files(tmp_path):
    found = resolver(tree(tmp_path, {"ns/inner/mod.py": "", "ns/other.py": "", "run.py": ""}))
    resolution = found.resolve("ns.inner.mod", "run.py")
    assert resolution.keys == ("ns/inner/mod.py",) and resolution.packages == ()
    assert keys(found, "ns", "run.py") == ()  # a namespace package has no file of its own
    assert keys(found, ".other", "ns/inner/mod.py") == ()
    assert keys(found, "..other", "ns/inner/mod.py") == ("ns/other.py",)


def test_a_script_imports_from_its_own_folder(tmp_path):
    files = {"scripts/rotate.py": "import helpers\n", "scripts/helpers.py": "", "tools/x.py": ""}
    found = resolver(tree(tmp_path, files))
    assert keys(found, "helpers", "scripts/rotate.py") == ("scripts/helpers.py",)
    assert keys(found, "helpers", "tools/x.py") == ()


def test_configured_roots_are_read_relative_to_the_configuration_file(tmp_path):
    tree(tmp_path, {
        "repo/cfg/astro-migrate.toml": 'roots = ["../vendor_code"]\n',
        "repo/vendor_code/shared/auth.py": SETTINGS,
        "repo/dags/etl.py": "import shared.auth\n",
    })
    found = resolver(tmp_path / "repo")
    assert keys(found, "shared.auth", "dags/etl.py") == ()
    loaded = config.load([], explicit=str(tmp_path / "repo/cfg/astro-migrate.toml"))
    assert loaded.import_roots() == (str(tmp_path / "repo/vendor_code"),)
    found = resolver(tmp_path / "repo", loaded.import_roots())
    assert keys(found, "shared.auth", "dags/etl.py") == ("vendor_code/shared/auth.py",)
    assert ImportRoot("vendor_code", "", "configured") in found.roots


def test_roots_setting_must_be_a_list_of_strings():
    with pytest.raises(config.ConfigError, match="roots"):
        config.parse({"roots": "src"})


def test_a_module_under_two_applicable_roots_is_ambiguous(tmp_path):
    found = resolver(tree(tmp_path, {
        "settings.py": "", "pkg/settings.py": "", "pkg/run.py": "import settings\n",
        "dags/x.py": "import util\n", "dags/util.py": "", "util.py": "",
    }))
    resolution = found.resolve("settings", "pkg/run.py")
    assert resolution.ambiguous and resolution.resolved is None
    assert resolution.keys == ("settings.py", "pkg/settings.py")
    assert resolution.describe() == "`settings` may be any of settings.py, pkg/settings.py"
    # the root is an Astro project (it has dags/): dags/ and the root are both on sys.path
    assert set(keys(found, "util", "dags/x.py")) == {"util.py", "dags/util.py"}
    assert found.resolve("os", "pkg/run.py").describe() == "`os` is not a module of the project"


def test_resolution_follows_the_files_not_their_names(tmp_path):
    """Never by file name alone: a file named like the module elsewhere is not it."""
    found = resolver(tree(tmp_path, {"a/include/astro_settings.py": "", "b/dags/x.py": ""}))
    assert keys(found, "include.astro_settings", "b/dags/x.py") == ()
    assert keys(found, "astro_settings", "b/dags/x.py") == ()


@pytest.mark.skipif(os.name != "posix", reason="posix paths")
def test_import_roots_ignore_configured_folders_outside_the_project(tmp_path):
    tree(tmp_path, {"repo/a.py": "", "outside/b.py": ""})
    roots = import_roots(["a.py"], str(tmp_path / "repo"), [str(tmp_path / "outside"), "."])
    assert roots == (ImportRoot("", "", "configured"),)
