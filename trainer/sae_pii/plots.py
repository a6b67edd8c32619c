"""training_curves.png from the logged history (matplotlib, headless Agg backend)."""

from __future__ import annotations

from pathlib import Path

PANELS = [
    ("fvu", "FVU (train / validation)", "val_fvu"),
    ("mse", "MSE (normalised)", None),
    ("l0", "L0 (active latents per token)", None),
    ("dead_fraction", "dead-latent fraction", None),
    ("auxk_loss", "AuxK loss", None),
    ("lr", "learning rate", None),
    ("tokens_per_s", "throughput (tokens/s)", None),
    ("val_never_fired_fraction", "never fired on validation", None),
]


def plot_training_curves(steps: list[dict], path: str | Path, title: str = "") -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sae_pii.atomic import atomic_file

    fig, axes = plt.subplots(2, 4, figsize=(17, 7))
    for ax, (key, label, val_key) in zip(axes.flat, PANELS):
        rows = [r for r in steps if key in r]
        ax.plot([r["tokens"] / 1e6 for r in rows], [r[key] for r in rows], label="train")
        if val_key:
            vrows = [r for r in steps if val_key in r]
            ax.plot([r["tokens"] / 1e6 for r in vrows], [r[val_key] for r in vrows], "o-", label="validation")
            ax.legend()
        if key in ("fvu", "mse") and rows and min(r[key] for r in rows) > 0:
            ax.set_yscale("log")
        ax.set_title(label)
        ax.set_xlabel("tokens (M)")
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    path = Path(path)
    with atomic_file(path) as tmp:
        fig.savefig(tmp, format="png", dpi=90)
    plt.close(fig)
    return path
