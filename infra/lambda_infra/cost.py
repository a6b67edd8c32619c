"""Cost of a training run on one Lambda instance: per-minute billing, phase by phase.

Lambda bills per minute, with no minimum, from launch until the instance is terminated (idle time
included). The phases follow the seed's cost matrix and performance table: boot 3 min ("2-3 min"),
environment setup 10 min, training (the hours you ask for), model download 5 min, teardown 2 min
("1-2 min"). The seed's matrix prices training alone, so phases are opt-in:
A100 at 129 c/h, 12 h -> $15.48, 6 h -> $7.74, 24 h -> $30.96; with the default phases add 20 min.
Used by `lambda-launcher cost-estimate` and by the Pulumi program (one function for both).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# Minutes for the phases around training, from the seed's "performance expectations" table.
DEFAULT_PHASE_MINUTES: dict[str, float] = {"boot": 3, "setup": 10, "download": 5, "teardown": 2}
PHASE_ORDER = ("boot", "setup", "training", "download", "teardown")


@dataclass(frozen=True)
class PhaseCost:
    name: str
    minutes: float
    cost_usd: float


@dataclass(frozen=True)
class CostEstimate:
    price_cents_per_hour: int
    billed_minutes: int  # whole minutes: Lambda bills per minute
    total_cents: int
    phases: list[PhaseCost] = field(default_factory=list)

    @property
    def total_usd(self) -> float:
        return self.total_cents / 100

    @property
    def price_usd_per_hour(self) -> float:
        return self.price_cents_per_hour / 100

    @property
    def hours(self) -> float:
        return self.billed_minutes / 60

    def to_dict(self) -> dict:
        d = asdict(self)
        d.update(total_usd=self.total_usd, price_usd_per_hour=self.price_usd_per_hour, hours=self.hours)
        return d


def _cents(minutes: float, price_cents_per_hour: int) -> Decimal:
    return Decimal(str(minutes)) * Decimal(price_cents_per_hour) / Decimal(60)


def estimate_cost(price_cents_per_hour: int, hours: float, phases: dict[str, float] | None = None) -> CostEstimate:
    """Cost of `hours` of training plus optional extra phases.

    `phases` maps phase name -> HOURS (e.g. {"boot": 0.05, "setup": 1/6}); pass
    `default_phases()` for the seed's boot/setup/download/teardown. A "training" key in `phases`
    replaces `hours`. The whole lifetime is rounded up to whole minutes, then priced exactly and
    rounded half-up to the cent (per-phase costs are shown unrounded-to-minute for reading only).
    """
    if price_cents_per_hour < 0:
        raise ValueError(f"price must be >= 0 cents/hour, got {price_cents_per_hour}")
    if hours < 0:
        raise ValueError(f"hours must be >= 0, got {hours}")
    spans = {"training": float(hours)}
    for name, h in (phases or {}).items():
        if h < 0:
            raise ValueError(f"phase {name!r} has negative duration {h}")
        spans[name] = float(h)
    ordered = sorted(spans, key=lambda n: (PHASE_ORDER.index(n) if n in PHASE_ORDER else len(PHASE_ORDER), n))
    phase_costs = [PhaseCost(n, round(spans[n] * 60, 4),
                             float((_cents(spans[n] * 60, price_cents_per_hour) / 100).quantize(Decimal("0.0001"))))
                   for n in ordered]
    # Round away float noise (12 h * 60 = 720.0000000001) before rounding up to the billed minute.
    billed = math.ceil(round(sum(spans.values()) * 60, 6))
    total = int(_cents(billed, price_cents_per_hour).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return CostEstimate(price_cents_per_hour=price_cents_per_hour, billed_minutes=billed, total_cents=total,
                        phases=phase_costs)


def default_phases() -> dict[str, float]:
    """The seed's overhead phases, in hours (for estimate_cost's `phases`)."""
    return {k: v / 60 for k, v in DEFAULT_PHASE_MINUTES.items()}
