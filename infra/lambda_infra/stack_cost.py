"""What the stack will cost, known at preview time: live price x maxHours, per-minute billing.

The instance terminates itself `maxHours` after boot (see install_deadline.sh), so the price times
maxHours is the most one `pulumi up` can cost. The same `estimate_cost` backs
`lambda-launcher cost-estimate`.
"""

from __future__ import annotations

from lambda_infra.client import LambdaClient
from lambda_infra.cost import estimate_cost
from lambda_infra.models import InstanceType
from lambda_infra.stack_config import ConfigError, StackSettings


def live_instance_type(name: str, api_key: str | None, api_url: str | None) -> InstanceType:
    """The type's catalogue entry from GET /instance-types; a clear error when it cannot be read."""
    if not api_key:
        raise ConfigError(
            "no Lambda API key for the price lookup: run `pulumi config set --secret lambda:apiKey <key>` "
            "or export LAMBDA_API_KEY (for the `local` stack: start `make emulator` first)")
    with LambdaClient(api_key=api_key, base_url=api_url) as client:
        types = client.instance_types()
    if name not in types:
        raise ConfigError(f"config key 'instanceType' is {name!r}, which Lambda does not offer: use one of "
                          f"{', '.join(sorted(types))}")
    return types[name]


def stack_cost(settings: StackSettings, price_cents_per_hour: int) -> dict[str, float]:
    """The cost facts the program exports and puts on the Instance for the policy pack."""
    estimate = estimate_cost(price_cents_per_hour, settings.max_hours)
    return {
        "price_cents_per_hour": price_cents_per_hour,
        "hourly_usd": round(price_cents_per_hour / 100, 2),
        "max_hours": settings.max_hours,
        "estimated_total_usd": estimate.total_usd,
        "budget_usd": settings.budget_usd,
    }
