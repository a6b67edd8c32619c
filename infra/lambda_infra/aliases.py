"""Friendly instance-type aliases (`a100`, `h100`, `8xh100`...) -> Lambda type names.

An alias may name several interchangeable types, cheapest first; the launcher tries each one's
regions in turn. Exact type names (`gpu_1x_a100_sxm4`) pass through unchanged.
"""

from __future__ import annotations

ALIASES: dict[str, tuple[str, ...]] = {
    "a10": ("gpu_1x_a10",),
    "a6000": ("gpu_1x_a6000",),
    "a100": ("gpu_1x_a100_sxm4", "gpu_1x_a100"),
    "a100-pcie": ("gpu_1x_a100",),
    "a100-sxm": ("gpu_1x_a100_sxm4",),
    "2xa100": ("gpu_2x_a100",),
    "4xa100": ("gpu_4x_a100",),
    "8xa100": ("gpu_8x_a100",),
    "a100-80gb": ("gpu_8x_a100_80gb_sxm4",),  # Lambda sells 80 GB A100s as 8-GPU nodes only
    "8xa100-80gb": ("gpu_8x_a100_80gb_sxm4",),
    "h100": ("gpu_1x_h100_pcie", "gpu_1x_h100_sxm5"),
    "h100-pcie": ("gpu_1x_h100_pcie",),
    "h100-sxm": ("gpu_1x_h100_sxm5",),
    "2xh100": ("gpu_2x_h100_sxm5",),
    "4xh100": ("gpu_4x_h100_sxm5",),
    "8xh100": ("gpu_8x_h100_sxm5",),
    "gh200": ("gpu_1x_gh200",),
    "cpu": ("cpu_4x_general",),
}


def resolve_instance_type(name: str, known: set[str] | None = None) -> list[str]:
    """Alias or type name -> candidate type names. ValueError listing the choices when unknown."""
    key = name.strip().lower()
    if key in ALIASES:
        return list(ALIASES[key])
    if known is None or name in known:
        if known is None and not name.startswith(("gpu_", "cpu_")):
            raise ValueError(f"unknown instance type {name!r}: use an alias ({', '.join(ALIASES)}) or a type name "
                             "such as gpu_1x_a100_sxm4 (`lambda-launcher types` lists them)")
        return [name]
    raise ValueError(f"unknown instance type {name!r}: aliases are {', '.join(ALIASES)}; "
                     f"types are {', '.join(sorted(known))}")


def alias_for(type_name: str) -> str | None:
    """The shortest alias naming exactly this type (for display)."""
    names = [a for a, ts in ALIASES.items() if ts[0] == type_name]
    return min(names, key=len) if names else None
