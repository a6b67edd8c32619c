"""Policy pack: the preview fails when the GPU stack would cost more than its budget."""

from budget_rules import DEFAULT_MAX_HOURS_LIMIT, validate_budget, validate_max_hours
from pulumi_policy import EnforcementLevel, PolicyConfigSchema, PolicyPack, ResourceValidationPolicy

PolicyPack(
    name="sae-pii-cost",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        ResourceValidationPolicy(
            name="gpu-budget",
            description="The estimated cost of a Lambda GPU instance (price x maxHours) stays within budgetUsd.",
            validate=validate_budget,
            enforcement_level=EnforcementLevel.MANDATORY,
        ),
        ResourceValidationPolicy(
            name="gpu-max-hours",
            description="The auto-termination deadline (maxHours) is not absurdly long.",
            validate=validate_max_hours,
            enforcement_level=EnforcementLevel.ADVISORY,
            config_schema=PolicyConfigSchema(
                properties={"limit": {"type": "number", "default": DEFAULT_MAX_HOURS_LIMIT}}),
        ),
    ],
)
