"""PII detection on SAE features.

text -> tokens (align) -> activations + SAE latents (features) -> probes -> token scores ->
character spans (decode) -> detect / redact (detector). Data: synth (generator), datasets (JSONL
and presidio-research). Measurement: evaluate, presidio_baseline.
"""

from __future__ import annotations

from sae_pii.pii.labels import LABELS
from sae_pii.pii.spans import PIISpan

__all__ = ["LABELS", "PIISpan", "SAEPIIDetector"]


def __getattr__(name: str):
    # The detector pulls in torch + transformers; import it only when asked for.
    if name == "SAEPIIDetector":
        from sae_pii.pii.detector import SAEPIIDetector

        return SAEPIIDetector
    raise AttributeError(name)
