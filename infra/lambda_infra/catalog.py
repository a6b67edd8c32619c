"""Static facts the emulator serves: instance types, prices, regions, images.

Prices are Lambda's late-2025 list prices (cents/hour) from the API reference; specs and region
descriptions are plausible stand-ins (the real API is always read live by the client).
"""

from __future__ import annotations

# name: (description, gpu_description, price_cents_per_hour, vcpus, memory_gib, storage_gib, gpus)
INSTANCE_TYPES: dict[str, tuple[str, str, int, int, int, int, int]] = {
    "gpu_1x_a10": ("1x A10 (24 GB PCIe)", "A10 (24 GB PCIe)", 75, 30, 200, 1400, 1),
    "gpu_1x_a6000": ("1x A6000 (48 GB)", "RTX A6000 (48 GB)", 80, 14, 46, 512, 1),
    "gpu_1x_a100": ("1x A100 (40 GB PCIe)", "A100 (40 GB PCIe)", 129, 30, 200, 512, 1),
    "gpu_1x_a100_sxm4": ("1x A100 (40 GB SXM4)", "A100 (40 GB SXM4)", 129, 30, 200, 512, 1),
    "gpu_2x_a100": ("2x A100 (40 GB SXM4)", "A100 (40 GB SXM4)", 258, 60, 450, 1024, 2),
    "gpu_4x_a100": ("4x A100 (40 GB SXM4)", "A100 (40 GB SXM4)", 516, 120, 900, 1024, 4),
    "gpu_8x_a100": ("8x A100 (40 GB SXM4)", "A100 (40 GB SXM4)", 1032, 124, 1800, 6144, 8),
    "gpu_8x_a100_80gb_sxm4": ("8x A100 (80 GB SXM4)", "A100 (80 GB SXM4)", 1432, 240, 1800, 19966, 8),
    "gpu_1x_h100_pcie": ("1x H100 (80 GB PCIe)", "H100 (80 GB PCIe)", 249, 26, 200, 1024, 1),
    "gpu_1x_h100_sxm5": ("1x H100 (80 GB SXM5)", "H100 (80 GB SXM5)", 329, 26, 225, 2816, 1),
    "gpu_2x_h100_sxm5": ("2x H100 (80 GB SXM5)", "H100 (80 GB SXM5)", 638, 52, 450, 5632, 2),
    "gpu_4x_h100_sxm5": ("4x H100 (80 GB SXM5)", "H100 (80 GB SXM5)", 1236, 104, 900, 11264, 4),
    "gpu_8x_h100_sxm5": ("8x H100 (80 GB SXM5)", "H100 (80 GB SXM5)", 2392, 208, 1800, 22528, 8),
    "gpu_1x_gh200": ("1x GH200 (96 GB)", "GH200 (96 GB)", 149, 64, 432, 4096, 1),
    "cpu_4x_general": ("4x CPU general", "None", 20, 4, 16, 100, 0),
}

REGIONS: dict[str, str] = {
    "us-west-1": "California, USA",
    "us-west-2": "Arizona, USA",
    "us-west-3": "Utah, USA",
    "us-east-1": "Virginia, USA",
    "us-east-2": "Washington DC, USA",
    "us-east-3": "Georgia, USA",
    "us-midwest-1": "Illinois, USA",
    "us-midwest-2": "Ohio, USA",
    "us-south-1": "Texas, USA",
    "us-south-2": "North Texas, USA",
    "us-south-3": "Central Texas, USA",
    "europe-central-1": "Germany",
    "asia-south-1": "India",
    "asia-northeast-1": "Osaka, Japan",
    "asia-northeast-2": "Tokyo, Japan",
    "australia-east-1": "Sydney, Australia",
    "me-west-1": "Israel",
}

# The emulator's default stock: type -> {region: machines}. A launch takes one, termination frees it.
DEFAULT_CAPACITY: dict[str, dict[str, int]] = {
    "gpu_1x_a10": {"us-west-1": 4, "us-east-1": 4},
    "gpu_1x_a6000": {"us-west-1": 2},
    "gpu_1x_a100": {"us-south-1": 2},
    "gpu_1x_a100_sxm4": {"us-east-1": 3, "us-west-2": 3},
    "gpu_2x_a100": {"us-west-2": 1},
    "gpu_4x_a100": {},
    "gpu_8x_a100": {"us-east-1": 1},
    "gpu_8x_a100_80gb_sxm4": {"us-west-3": 1},
    "gpu_1x_h100_pcie": {"us-west-3": 2},
    "gpu_1x_h100_sxm5": {"us-south-2": 2, "us-east-2": 2},
    "gpu_2x_h100_sxm5": {"us-south-2": 1},
    "gpu_4x_h100_sxm5": {"us-south-2": 1},
    "gpu_8x_h100_sxm5": {"us-south-3": 1, "us-midwest-1": 1},
    "gpu_1x_gh200": {"us-east-3": 2},
    "cpu_4x_general": {"us-east-1": 8, "us-west-1": 8, "europe-central-1": 8},
}

IMAGE_FAMILIES: dict[str, tuple[str, str, str]] = {
    # family: (name, version, architecture)
    "lambda-stack-24-04": ("Lambda Stack 24.04", "24.04.3", "x86_64"),
    "lambda-stack-22-04": ("Lambda Stack 22.04", "22.04.5", "x86_64"),
    "gpu-base-24-04": ("GPU Base 24.04", "24.04.3", "x86_64"),
    "ubuntu-24-04": ("Ubuntu 24.04", "24.04.3", "x86_64"),
    "lambda-stack-24-04-arm64": ("Lambda Stack 24.04 (arm64)", "24.04.3", "arm64"),
}


def region_json(name: str) -> dict:
    return {"name": name, "description": REGIONS.get(name, name)}


def instance_type_json(name: str) -> dict:
    desc, gpu, price, vcpus, mem, disk, gpus = INSTANCE_TYPES[name]
    return {"name": name, "description": desc, "gpu_description": gpu, "price_cents_per_hour": price,
            "specs": {"vcpus": vcpus, "memory_gib": mem, "storage_gib": disk, "gpus": gpus}}
