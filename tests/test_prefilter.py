"""The prefilter lets through every file that can lead to a finding, and little else."""
from __future__ import annotations

from migrator.engine.match import DEFAULT_HOSTS
from migrator.project.prefilter import Prefilter

FIELD_WORDS = (b"type", b"workloadIdentity")


def test_bases_pass_with_or_without_host_and_json_escaped():
    check = Prefilter(DEFAULT_HOSTS, lambda: FIELD_WORDS).may_match
    assert check(b'BASE = "https://api.astronomer.io/platform/v1beta1"')
    assert check(b'curl "$HOST/iam/v1beta1/organizations"')
    assert check(b'{"url": "https:\\/\\/api.astronomer.io\\/iam\\/v1beta1"}')


def test_lookalikes_and_unrelated_files_are_dropped():
    check = Prefilter(DEFAULT_HOSTS, lambda: FIELD_WORDS).may_match
    assert not check(b"apiVersion: iam.cnrm.cloud.google.com/v1beta1\nkind: IAMPolicy\n")
    assert not check(b"apiVersion: policy/v1beta1\n")
    assert not check(b"# docs: https://www.astronomer.io/docs/astro\n")
    assert not check(b'V1 = "https://api.astronomer.io/v1/organizations"  # nothing renamed here\n')


def test_v1_code_passes_when_it_names_a_changed_field_or_advice_is_selected():
    assert Prefilter(DEFAULT_HOSTS, lambda: FIELD_WORDS).may_match(
        b'r = requests.get("https://api.astronomer.io/v1/organizations/o/tokens")\nprint(r.json()["type"])\n'
    )
    assert Prefilter(DEFAULT_HOSTS, None).may_match(b'requests.get("https://api.astronomer.io/v1/organizations")')
    assert Prefilter(DEFAULT_HOSTS + ("astro.gw.example",), lambda: FIELD_WORDS).may_match(
        b'requests.get("https://astro.gw.example/v1/organizations/o/deployments").json()["workloadIdentity"]'
    )
