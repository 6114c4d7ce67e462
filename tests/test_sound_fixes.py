"""Issue 11: a safe fix never changes what a program does, except moving a call from v1beta1
to the v1 endpoint that serves it.

Each test copies a fixture project (tests/fixtures/sound), checks it in-process, fixes it, then
imports the fixed modules and runs them: a blocked call (alerts, notification channels) must
still request its v1beta1 URL, a migratable one its old URL or the v1 equivalent, and a second
`--fix` must change no byte. Each situation broke a blocked call before the redesign of issue 11.
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


def assert_sound(outcome: FixOutcome) -> None:
    assert outcome.before, "the probes ran no code"
    assert all(outcome.before.values()), f"a probe requested nothing: {outcome.before}"
    assert unsound_changes(outcome.before, outcome.after) == []
    assert outcome.second_changed == [], "a second --fix changed files"


# --- 1. pre-commit: one file named, facts from the whole project -----------------------------

PRECOMMIT_FILES = [
    "include/astro_settings.py",
    "include/astro_client.py",
    "dags/deployment_report.py",
    "dags/alert_sync.py",
    "dags/alert_digest.py",
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
    """Alone, a file also points at each base it calls through that another file defines (the
    whole-project run reports those at their definitions): never with a fix of its own."""
    root = copy_project("precommit", tmp_path)
    monkeypatch.chdir(root)
    whole = reported_for(run(["."]), named)
    alone = reported(run([named]))
    assert [r for r in alone if r in whole] == whole
    pointers = [r for r in alone if r not in whole]
    assert all(r.code in ("AM101", "AM102", "AM202") and r.applicability == "" for r in pointers)
    if named == "dags/deployment_report.py":  # it calls through the settings module's bases
        assert pointers


@pytest.mark.parametrize("named", [
    "include/astro_settings.py",
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
    "proj_a",
    "proj_b",
])
def test_monorepo_root_run_reports_each_project_as_its_own_run_does(tmp_path, monkeypatch, project):
    root = copy_project("monorepo", tmp_path)
    monkeypatch.chdir(root)
    whole = [r for r in reported(run(["."])) if r.path.startswith(project + "/")]
    assert whole == reported(run([project]))


def test_monorepo_base_shared_with_a_blocked_call_is_am202_without_a_safe_fix(tmp_path, monkeypatch):
    root = copy_project("monorepo", tmp_path)
    monkeypatch.chdir(root)
    settings = reported_for(run(["."]), "proj_a/include/astro_settings.py")
    assert [r.code for r in settings] == ["AM202"]
    assert all(r.applicability != "safe" for r in settings)


@pytest.mark.parametrize("paths", [
    ["."],
    ["proj_a/include/astro_settings.py"],
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


@pytest.mark.parametrize("shape", ATTRIBUTE_SHAPES)
def test_attribute_base_read_for_a_blocked_call_is_not_a_safe_plain_rewrite(tmp_path, monkeypatch, shape):
    root = copy_project(f"attributes/{shape}", tmp_path)
    monkeypatch.chdir(root)
    settings = ATTRIBUTE_SHAPES[shape][0]
    lines = (root / settings).read_text().splitlines()
    plain = [
        r for r in reported_for(run(["."]), settings)
        if r.code == "AM101" and r.applicability == "safe" and "platform/v1beta1" in lines[r.line - 1]
    ]
    assert plain == [], "a base that reaches a blocked endpoint is offered as a safe v1 rewrite"


@pytest.mark.parametrize("shape", ATTRIBUTE_SHAPES)
def test_attribute_base_fix_of_the_project_keeps_blocked_calls(tmp_path, monkeypatch, shape):
    root = copy_project(f"attributes/{shape}", tmp_path)
    monkeypatch.chdir(root)
    assert_sound(fix_and_rerun(root, [astro_project(root, ATTRIBUTE_SHAPES[shape][1])], ["."]))


@pytest.mark.parametrize("shape", ATTRIBUTE_SHAPES)
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


READ_BY_A_BLOCKED_CALL = {"global", "class_body"}  # forms where the alerts call really reads the module's BASE


@pytest.mark.parametrize("form", SHADOWING_FORMS)
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


@pytest.mark.parametrize("form", SHADOWING_FORMS)
def test_shadowing_name_keeps_its_own_value_after_the_fix(tmp_path, monkeypatch, form):
    root = copy_project(f"shadowing/{form}", tmp_path)
    monkeypatch.chdir(root)
    program = Program([root], {
        "deployments": jobs(lambda m: m.deployments()),
        "shadowed": SHADOWING_FORMS[form],
    })
    assert_sound(fix_and_rerun(root, [program], ["."]))
