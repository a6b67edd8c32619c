"""Sparse autoencoders on language-model activations, and a PII detector built on their features.

Data flows one way: text -> tokens -> activations (model cut at layer L) -> SAE latents ->
probes -> token scores -> character spans -> detect / redact.
"""

__version__ = "0.1.0"
