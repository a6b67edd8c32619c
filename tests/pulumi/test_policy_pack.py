"""The policy pack's validation functions: under budget passes, over budget fails with a fix."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

POLICY_DIR = Path(__file__).resolve().parents[2] / "infra" / "policy"
sys.path.insert(0, str(POLICY_DIR))

import budget_rules
from lambda_infra.cost import estimate_cost


def _args(props, resource_type=budget_rules.INSTANCE_TYPE, config=None):
    return SimpleNamespace(resource_type=resource_type, props=props, get_config=lambda: config or {})


def _run(validate, args):
    messages = []
    validate(args, lambda message, urn=None: messages.append(message))
    return messages


def test_within_budget_passes():
    estimate = estimate_cost(129, 12).total_usd   # 15.48, as the program computes it
    props = {"estimated_total_usd": estimate, "budget_usd": 25.0, "max_hours": 12.0}
    assert _run(budget_rules.validate_budget, _args(props)) == []


def test_over_budget_fails_and_says_how_to_fix():
    props = {"estimated_total_usd": estimate_cost(2392, 24).total_usd, "budget_usd": 25.0, "max_hours": 24.0}
    (message,) = _run(budget_rules.validate_budget, _args(props))
    assert "$574.08" in message and "$25.00" in message and "maxHours" in message


def test_missing_estimate_is_a_violation():
    assert _run(budget_rules.validate_budget, _args({"budget_usd": 10}))


def test_other_resource_types_are_ignored():
    props = {"estimated_total_usd": 1e6, "budget_usd": 1.0}
    assert _run(budget_rules.validate_budget, _args(props, "pulumi-python:dynamic/lambda:SshKey")) == []


@pytest.mark.parametrize(("hours", "limit", "violations"), [(12, None, 0), (100, None, 1), (12, 10, 1)])
def test_max_hours_limit_is_configurable(hours, limit, violations):
    config = {"limit": limit} if limit is not None else {}
    args = _args({"max_hours": hours}, config=config)
    assert len(_run(budget_rules.validate_max_hours, args)) == violations


def test_pack_definition_loads(monkeypatch):
    import runpy

    import pulumi_policy

    created = {}
    monkeypatch.setattr(pulumi_policy, "PolicyPack", lambda **kw: created.update(kw))
    runpy.run_path(str(POLICY_DIR / "__main__.py"))
    assert created["name"] == "sae-pii-cost"
    assert [p.name for p in created["policies"]] == ["gpu-budget", "gpu-max-hours"]
    assert created["policies"][0].enforcement_level == pulumi_policy.EnforcementLevel.MANDATORY
    assert (POLICY_DIR / "PulumiPolicy.yaml").exists() and (POLICY_DIR / "requirements.txt").exists()
