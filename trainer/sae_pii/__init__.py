"""Sparse autoencoders on language-model activations, and a PII detector built on their features.

Data flows one way: text -> tokens -> activations (model cut at layer L) -> SAE latents ->
probes -> token scores -> character spans -> detect / redact.
"""

__version__ = "0.1.0"

__all__ = ["PIISpan", "SAEPIIDetector", "__version__"]


def __getattr__(name: str):
    # `from sae_pii import SAEPIIDetector` works without importing torch for every `sae_pii` import.
    if name in ("SAEPIIDetector", "PIISpan"):
        from sae_pii import pii

        return getattr(pii, name)
    raise AttributeError(f"module 'sae_pii' has no attribute {name!r}")
