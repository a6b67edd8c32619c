"""Spliced evaluation for causal LMs: how much of the next-token loss survives when the residual
stream after block L is replaced by the SAE's reconstruction ("CE loss recovered").

    recovered = (CE_zero - CE_sae) / (CE_zero - CE_clean)

CE_clean: the model as is; CE_sae: block L's output replaced by x_hat; CE_zero: replaced by 0
(zero ablation). 1.0 means the SAE loses nothing the model uses; 0.0 means it is as bad as
deleting the layer's output. Special tokens (BOS) keep their activations, as in training.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import torch
from torch import Tensor


def _load_causal_lm(name: str, device, dtype):
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    from sae_pii.lm import _parse_dtype, resolve_model_path

    path = resolve_model_path(name)
    config = AutoConfig.from_pretrained(path)
    archs = getattr(config, "architectures", None) or []
    if not any(a.endswith(("ForCausalLM", "LMHeadModel")) for a in archs):
        return None, None  # an encoder (MiniLM) or a headless checkpoint: no next-token loss to recover
    dtype = _parse_dtype(dtype)
    kwargs = {"dtype": dtype} if dtype is not None else {}
    model = AutoModelForCausalLM.from_pretrained(path, **kwargs).to(device).eval()
    tok = AutoTokenizer.from_pretrained(path)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token or tok.unk_token
    return model, tok


@torch.no_grad()
def spliced_ce(model, tokenizer, layer: int, texts: list[str], reconstruct: Callable[[Tensor], Tensor],
               context_size: int = 128, batch_size: int = 8) -> dict:
    """CE clean / spliced / zero-ablated over `texts` and the fraction recovered."""
    from sae_pii.lm import _block_output, _find_blocks

    _, _, blocks = _find_blocks(model, model.config.num_hidden_layers)
    special = torch.tensor(sorted({int(i) for i in tokenizer.all_special_ids if i is not None}))
    mode = {"replace": None}

    def hook(module, args, output):
        fn = mode["replace"]
        if fn is None:
            return output
        hidden = _block_output(output)
        new = hidden.clone()
        keep = hook.content_mask
        new[keep] = fn(hidden[keep].float()).to(hidden.dtype)
        if isinstance(output, (tuple, list)):
            return (new, *output[1:])
        return new

    handle = blocks[layer].register_forward_hook(hook)
    device = next(model.parameters()).device
    totals = {"clean": 0.0, "sae": 0.0, "zero": 0.0}
    n_tokens = 0
    try:
        for start in range(0, len(texts), batch_size):
            enc = tokenizer(texts[start:start + batch_size], return_tensors="pt", padding=True, truncation=True,
                            max_length=context_size)
            ids, mask = enc["input_ids"].to(device), enc["attention_mask"].to(device)
            hook.content_mask = mask.bool() & ~torch.isin(ids, special.to(device))
            labels = ids.masked_fill(mask == 0, -100)
            n = int((labels[:, 1:] != -100).sum())
            for name, fn in (("clean", None), ("sae", reconstruct), ("zero", torch.zeros_like)):
                mode["replace"] = fn
                loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
                totals[name] += float(loss) * n
            n_tokens += n
    finally:
        mode["replace"] = None
        handle.remove()
    ce = {k: v / max(n_tokens, 1) for k, v in totals.items()}
    gap = ce["zero"] - ce["clean"]
    return {
        "ce_clean": ce["clean"], "ce_sae": ce["sae"], "ce_zero_ablation": ce["zero"],
        "ce_loss_recovered": (ce["zero"] - ce["sae"]) / gap if abs(gap) > 1e-12 else float("nan"),
        "ce_tokens": n_tokens,
    }


def evaluate_spliced(sae, data_cfg, model_name: str, layer: int, n_documents: int, device="cpu",
                     dtype=None) -> dict | None:
    """Spliced CE of `sae` on the first `n_documents` documents (the start of the data, where the
    validation windows come from). None for models without a next-token loss (encoders)."""
    from sae_pii.data import iter_texts

    model, tok = _load_causal_lm(model_name, device, dtype)
    if model is None:
        return None
    texts = list(itertools.islice(iter_texts(data_cfg), n_documents))
    sae_device = sae.W_enc.device

    def reconstruct(x: Tensor) -> Tensor:
        x = x.to(sae_device)
        return sae.decode(sae.encode(x)).to(device)

    was_training = sae.training
    sae.eval()
    try:
        return spliced_ce(model, tok, layer, texts, reconstruct, context_size=data_cfg.context_size)
    finally:
        sae.train(was_training)
        del model
