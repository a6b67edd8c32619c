"""Validation functions of the policy pack, importable on their own (tests import them directly).

The Pulumi program puts the cost facts on every Lambda Instance resource at preview time:
`estimated_total_usd` (live price x maxHours, per-minute billing, from lambda_infra.cost),
`budget_usd` and `max_hours`. These rules only compare; they never recompute prices.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

INSTANCE_TYPE = "pulumi-python:dynamic/lambda:Instance"
DEFAULT_MAX_HOURS_LIMIT = 72.0


def budget_violations(props: Mapping[str, Any]) -> list[str]:
    """Why this instance breaks its budget (empty when it does not)."""
    estimate, budget = props.get("estimated_total_usd"), props.get("budget_usd")
    if not isinstance(estimate, (int, float)) or not isinstance(budget, (int, float)):
        return [("the instance carries no cost estimate (estimated_total_usd / budget_usd): "
                "deploy it with the sae-pii-gpu program, which computes them from the live price list")]
    if estimate > budget:
        hours = props.get("max_hours")
        return [(f"estimated cost ${estimate:.2f} for {hours} h exceeds budgetUsd ${budget:.2f}: lower maxHours, "
                "pick a cheaper instanceType, or raise budgetUsd (pulumi config set budgetUsd <usd>)")]
    return []


def max_hours_violations(props: Mapping[str, Any], limit: float = DEFAULT_MAX_HOURS_LIMIT) -> list[str]:
    hours = props.get("max_hours")
    if isinstance(hours, (int, float)) and hours > limit:
        return [f"maxHours {hours:g} is above the {limit:g} h limit of this policy pack: is the deadline a typo?"]
    return []


def validate_budget(args: Any, report_violation: Callable[..., None]) -> None:
    if args.resource_type == INSTANCE_TYPE:
        for message in budget_violations(args.props):
            report_violation(message)


def validate_max_hours(args: Any, report_violation: Callable[..., None]) -> None:
    if args.resource_type == INSTANCE_TYPE:
        limit = DEFAULT_MAX_HOURS_LIMIT
        config = args.get_config() if hasattr(args, "get_config") else None
        if config and config.get("limit") is not None:
            limit = float(config["limit"])
        for message in max_hours_violations(args.props, limit):
            report_violation(message)
