"""Issue 11: a safe fix never changes what a program does, except moving a call from v1beta1
to the v1 endpoint that serves it.

Each test copies a fixture project (tests/fixtures/sound), checks it in-process, fixes it, then
imports the fixed modules and runs them: a blocked call (alerts, notification channels) must
still request its v1beta1 URL, a migratable one its old URL or the v1 equivalent, and a second
`--fix` must change no byte. Tests marked xfail(strict) show where the tool is unsound today.
"""
from __future__ import annotations

import pytest
from sound.harness import (
    FixOutcome,
    Program,
    astro_project,
    copy_project,
    fix_and_rerun,
    project_files,
    reported,
    reported_for,
    run,
    snapshot,
    still_v1beta1,
    unsound_changes,
)


def unsound(reason: str):
    return pytest.mark.xfail(strict=True, reason=f"issue 11: {reason}")


def assert_sound(outcome: FixOutcome) -> None:
    assert outcome.before, "the probes ran no code"
    assert all(outcome.before.values()), f"a probe requested nothing: {outcome.before}"
    assert unsound_changes(outcome.before, outcome.after) == []
    assert outcome.second_changed == [], "a second --fix changed files"


# --- 1. pre-commit: one file named, facts from the whole project -----------------------------

PRECOMMIT_FILES = [
    pytest.param("include/astro_settings.py", marks=unsound("a named settings module does not see its importers")),
    pytest.param("include/astro_client.py", marks=unsound("a named module does not see the constant it imports")),
    "dags/deployment_report.py",
    "dags/alert_sync.py",
    pytest.param("dags/alert_digest.py", marks=unsound("a DAG calling alerts through an imported constant reports nothing")),
]


def precommit(root) -> Program:
    return astro_project(root, {
        "list_alerts": lambda load: load("include.astro_client").list_alerts(),
        "create_alert": lambda load: load("include.astro_client").create_alert("etl-failures", "clx42dep0000009"),
        "fetch_deployments": lambda load: load("deployment_report").fetch_deployments.function(),
        "fetch_workspaces": lambda load: load("deployment_report").fetch_workspaces.function(),
        "ensure_failure_alert": lambda load: load("alert_sync").ensure_failure_alert(),
        "alert_digest": lambda load: load("alert_digest").collect_alert_rules.function(),
    })


@pytest.mark.parametrize("named", PRECOMMIT_FILES)
def test_naming_one_file_reports_what_the_project_run_reports_for_it(tmp_path, monkeypatch, named):
    root = copy_project("precommit", tmp_path)
    monkeypatch.chdir(root)
    whole = reported_for(run(["."]), named)
    assert reported(run([named])) == whole


@pytest.mark.parametrize("named", [
    pytest.param("include/astro_settings.py", marks=unsound("ALERTS_API is rewritten to v1 when named alone")),
    "include/astro_client.py",
    "dags/deployment_report.py",
    "dags/alert_digest.py",
])
def test_fixing_one_named_file_keeps_every_call_working(tmp_path, monkeypatch, named):
    root = copy_project("precommit", tmp_path)
    monkeypatch.chdir(root)
    outcome = fix_and_rerun(root, [precommit(root)], [named])
    assert_sound(outcome)
    assert outcome.after["list_alerts"] == ["https://api.astronomer.io/platform/v1beta1/organizations/clx42org0000001/alerts"]


def test_fixing_the_whole_precommit_project_is_sound(tmp_path, monkeypatch):
    root = copy_project("precommit", tmp_path)
    monkeypatch.chdir(root)
    assert_sound(fix_and_rerun(root, [precommit(root)], ["."]))


# --- 2. a monorepo with two Astro projects, each importing `include.astro_settings` ----------

def monorepo(root) -> list:
    project_a, project_b = root / "proj_a", root / "proj_b"
    return [
        astro_project(project_a, {
            "a.deployments": lambda load: load("failure_alerts").production_deployments.function(),
            "a.alerts": lambda load: load("failure_alerts").existing_alerts.function(),
        }),
        astro_project(project_b, {
            "b.workspaces": lambda load: load("workspace_inventory").workspaces.function(),
            "b.deployments": lambda load: load("workspace_inventory").deployments.function(),
        }),
    ]


@pytest.mark.parametrize("project", [
    pytest.param("proj_a", marks=unsound("from the repo root proj_a's importers are confused with proj_b's")),
    "proj_b",
])
def test_monorepo_root_run_reports_each_project_as_its_own_run_does(tmp_path, monkeypatch, project):
    root = copy_project("monorepo", tmp_path)
    monkeypatch.chdir(root)
    whole = [r for r in reported(run(["."])) if r.path.startswith(project + "/")]
    assert whole == reported(run([project]))


@unsound("proj_a's base, shared with an alerts call, is reported AM101 with a safe fix")
def test_monorepo_base_shared_with_a_blocked_call_is_am202_without_a_safe_fix(tmp_path, monkeypatch):
    root = copy_project("monorepo", tmp_path)
    monkeypatch.chdir(root)
    settings = reported_for(run(["."]), "proj_a/include/astro_settings.py")
    assert [r.code for r in settings] == ["AM202"]
    assert all(r.applicability != "safe" for r in settings)


@pytest.mark.parametrize("paths", [
    pytest.param(["."], marks=unsound("--fix from the repo root breaks proj_a's alerts call")),
    pytest.param(["proj_a/include/astro_settings.py"], marks=unsound("naming proj_a's settings breaks its alerts call")),
    ["proj_a"],
    ["proj_b"],
])
def test_monorepo_fix_keeps_every_call_working(tmp_path, monkeypatch, paths):
    root = copy_project("monorepo", tmp_path)
    monkeypatch.chdir(root)
    assert_sound(fix_and_rerun(root, monorepo(root), paths))


def test_monorepo_project_with_only_migratable_calls_is_fixed(tmp_path, monkeypatch):
    root = copy_project("monorepo", tmp_path)
    monkeypatch.chdir(root)
    outcome = fix_and_rerun(root, monorepo(root), ["proj_b"])
    assert still_v1beta1({k: v for k, v in outcome.after.items() if k.startswith("b.")}) == []


# --- 3. bases that travel as attributes, dict entries and instance state ----------------------

ATTRIBUTE_SHAPES = {
    "namespace": ("include/conf.py", {
        "channels": lambda load: load("notification_audit").notification_channels.function(),
        "deployments": lambda load: load("notification_audit").deployments.function(),
    }),
    "dataclass_default": ("include/astro_config.py", {
        "alerts": lambda load: load("alert_inventory").export_alerts(),
        "workspaces": lambda load: load("alert_inventory").export_workspaces(),
    }),
    "dataclass_instance": ("include/environments.py", {
        "drop_channels": lambda load: load("channel_cleanup").drop_stale_channels.function(),
        "deployments": lambda load: load("channel_cleanup").count_deployments.function(),
    }),
    "dict_entries": ("include/endpoints.py", {
        "channels": lambda load: load("astro_housekeeping").channels.function(),
        "teams": lambda load: load("astro_housekeeping").teams.function(),
        "clusters": lambda load: load("astro_housekeeping").clusters.function(),
    }),
    "settings_class": ("include/settings.py", {
        "alerts": lambda load: load("alert_rules_sync").alert_rules.function(),
        "options": lambda load: load("alert_rules_sync").deployment_options.function(),
    }),
    "client_self_base": ("include/astro_settings.py", {
        "oncall": lambda load: load("oncall_check").check_oncall_routing.function(),
        "deployments": lambda load: load("oncall_check").check_deployments.function(),
    }),
    "session_subclass": ("include/astro_session.py", {
        "channels": lambda load: load("channel_report").channels.function(),
        "workspaces": lambda load: load("channel_report").workspaces.function(),
    }),
}
UNSOUND_ATTRIBUTE_SHAPES = {
    "namespace": "a SimpleNamespace field read as conf.ASTRO.platform for notification-channels",
    "dataclass_default": "a dataclass field default read through an instance for alerts",
    "dataclass_instance": "a dataclass instance's keyword argument read as env.api_base for a channel delete",
    "dict_entries": "a dict entry read as ASTRO_ENDPOINTS['platform'] for notification-channels",
    "settings_class": "a settings-class attribute read as settings.api_base for alerts",
    "session_subclass": "a Session subclass default base_url used by relative notification-channels paths",
}
UNSOUND_WHEN_SETTINGS_NAMED = {
    **UNSOUND_ATTRIBUTE_SHAPES,
    "client_self_base": "a named settings module does not see the client that reads it as self.base",
}


def attribute_shapes(unsound_when_named: dict) -> list:
    return [
        pytest.param(shape, marks=unsound(unsound_when_named[shape])) if shape in unsound_when_named else shape
        for shape in ATTRIBUTE_SHAPES
    ]


@pytest.mark.parametrize("shape", attribute_shapes(UNSOUND_ATTRIBUTE_SHAPES))
def test_attribute_base_read_for_a_blocked_call_is_not_a_safe_plain_rewrite(tmp_path, monkeypatch, shape):
    root = copy_project(f"attributes/{shape}", tmp_path)
    monkeypatch.chdir(root)
    settings = ATTRIBUTE_SHAPES[shape][0]
    plain = [r for r in reported_for(run(["."]), settings) if r.code == "AM101" and r.applicability == "safe"]
    assert plain == [], "a base that reaches a blocked endpoint is offered as a safe v1 rewrite"


@pytest.mark.parametrize("shape", attribute_shapes(UNSOUND_ATTRIBUTE_SHAPES))
def test_attribute_base_fix_of_the_project_keeps_blocked_calls(tmp_path, monkeypatch, shape):
    root = copy_project(f"attributes/{shape}", tmp_path)
    monkeypatch.chdir(root)
    assert_sound(fix_and_rerun(root, [astro_project(root, ATTRIBUTE_SHAPES[shape][1])], ["."]))


@pytest.mark.parametrize("shape", attribute_shapes(UNSOUND_WHEN_SETTINGS_NAMED))
def test_attribute_base_fix_of_the_named_settings_keeps_blocked_calls(tmp_path, monkeypatch, shape):
    root = copy_project(f"attributes/{shape}", tmp_path)
    monkeypatch.chdir(root)
    settings, probes = ATTRIBUTE_SHAPES[shape]
    assert_sound(fix_and_rerun(root, [astro_project(root, probes)], [settings]))


# --- positive controls: a project with only migratable calls is fixed and still runs ---------

def clean(root) -> Program:
    return Program([root, root / "dags", root / "scripts"], {
        "users": lambda load: load("access_review").users.function(),
        "team": lambda load: load("access_review").platform_team.function(),
        "deployments": lambda load: load("access_review").deployments.function(),
        "workspaces": lambda load: load("list_workspaces").workspaces("clx1org0000001"),
    })


@pytest.mark.parametrize("paths", [["."], ["include/astro_settings.py", "scripts/list_workspaces.py"]])
def test_clean_project_is_fixed_to_v1_and_still_runs(tmp_path, monkeypatch, paths):
    root = copy_project("clean", tmp_path)
    monkeypatch.chdir(root)
    files = project_files(root)
    untouched = snapshot(root, files)
    preview = run(paths, diff=True)
    assert snapshot(root, files) == untouched, "--diff wrote to a file"
    assert sum(file.fixed for file in preview.files) == 3
    outcome = fix_and_rerun(root, [clean(root)], paths)
    assert_sound(outcome)
    assert still_v1beta1(outcome.after) == []
    assert sum(file.fixed for file in outcome.first.files) == 3
    assert run(["."]).findings == []


# --- 4. names that shadow a module-level v1beta1 base, in every binding form ------------------

def jobs(call):
    return lambda load: call(load("include.astro_jobs"))


SHADOWING_FORMS = {
    "for_target": jobs(lambda m: m.sync_alerts_to_mirrors()),
    "walrus": jobs(lambda m: m.alerts_from_proxy()),
    "except_as": jobs(lambda m: m.alerts_with_failover()),
    "match_capture": jobs(lambda m: m.mirrored_alerts()),
    "nonlocal": jobs(lambda m: m.alert_poller()),
    "global": jobs(lambda m: m.refresh_alerts()),
    "def_name": jobs(lambda m: m.regional_alerts()),
    "class_name": jobs(lambda m: m.alerts_through_gateway()),
    "class_body": jobs(lambda m: (m.AlertClient().mirror_alerts(), m.AlertClient().primary_alerts())),
    "lambda_param": jobs(lambda m: m.mirrored_alerts()),
    "comprehension": jobs(lambda m: m.mirrored_alerts()),
    "with_as": jobs(lambda m: m.eu_alerts()),
    "import_as": jobs(lambda m: m.alerts_from_eu_mirror()),
    "parameter": jobs(lambda m: m.alerts()),
}
UNSOUND_SHADOWING = {
    "for_target": "a `for` target inside a function is taken for the module's BASE; the split rewrites the mirror call",
    "walrus": "a `:=` target is taken for the module's BASE; the split rewrites the proxy call",
    "except_as": "an `except … as` name is taken for the module's BASE; the split rewrites the mirror call",
    "match_capture": "a `match` capture is taken for the module's BASE; the split rewrites the mirror call",
}


READ_BY_A_BLOCKED_CALL = {"global", "class_body"}  # forms where the alerts call really reads the module's BASE


def shadowing_forms() -> list:
    return [
        pytest.param(form, marks=unsound(UNSOUND_SHADOWING[form])) if form in UNSOUND_SHADOWING else form
        for form in SHADOWING_FORMS
    ]


@pytest.mark.parametrize("form", shadowing_forms())
def test_shadowing_name_is_not_taken_for_the_module_base(tmp_path, monkeypatch, form):
    root = copy_project(f"shadowing/{form}", tmp_path)
    monkeypatch.chdir(root)
    lines = (root / "include" / "astro_jobs.py").read_text().splitlines()
    base_line = 1 + next(n for n, line in enumerate(lines) if line.startswith('BASE = "https://api.astronomer.io/'))
    on_base = [r for r in reported_for(run(["."]), "include/astro_jobs.py") if r.line == base_line]
    if form in READ_BY_A_BLOCKED_CALL:
        assert not any(r.code == "AM101" and r.applicability == "safe" for r in on_base), on_base
    else:
        assert not any(r.code == "AM202" for r in on_base), f"only deployments() reads BASE: {on_base}"


@pytest.mark.parametrize("form", shadowing_forms())
def test_shadowing_name_keeps_its_own_value_after_the_fix(tmp_path, monkeypatch, form):
    root = copy_project(f"shadowing/{form}", tmp_path)
    monkeypatch.chdir(root)
    program = Program([root], {
        "deployments": jobs(lambda m: m.deployments()),
        "shadowed": SHADOWING_FORMS[form],
    })
    assert_sound(fix_and_rerun(root, [program], ["."]))
