"""The sparse TopK kernels give the dense SAE's outputs and gradients."""

from __future__ import annotations

import pytest
import torch
from sae_pii.sae import SAEConfig, SparseAutoencoder
from sae_pii.topk_ops import rows_topk, sparse_decode, topk_encode, topk_forward


def test_kernels_match_dense_reference_and_pass_gradcheck():
    torch.manual_seed(0)
    x = torch.randn(24, 8, dtype=torch.float64, requires_grad=True)
    w_enc = torch.randn(8, 40, dtype=torch.float64, requires_grad=True)
    b_enc = torch.randn(40, dtype=torch.float64, requires_grad=True)
    w_dec = torch.randn(40, 8, dtype=torch.float64, requires_grad=True)

    def sparse(x, w_enc, b_enc, w_dec):
        vals, idx = topk_encode(x, w_enc, b_enc, 4)
        assert torch.equal(idx, idx.sort(-1).values)  # sorted per row: the sparse layouts rely on it
        return sparse_decode(vals.relu(), idx, w_dec)

    def dense(x, w_enc, b_enc, w_dec):
        pre = x @ w_enc + b_enc
        vals, idx = pre.topk(4)
        return torch.zeros_like(pre).scatter(1, idx, vals.relu()) @ w_dec

    args = (x, w_enc, b_enc, w_dec)
    torch.testing.assert_close(sparse(*args), dense(*args))
    grad = torch.randn(24, 8, dtype=torch.float64)
    for a, b in zip(torch.autograd.grad(sparse(*args), args, grad), torch.autograd.grad(dense(*args), args, grad)):
        torch.testing.assert_close(a, b)
    assert torch.autograd.gradcheck(sparse, args)


@pytest.mark.parametrize("input_scale", [1.0, 0.37])
def test_topk_forward_equals_sae_forward_with_auxk(input_scale):
    torch.manual_seed(1)
    sae = SparseAutoencoder(SAEConfig(d_in=16, d_sae=96, k=5, k_aux=8), dtype=torch.float64).train()
    sae.cfg.input_scale = input_scale
    with torch.no_grad():
        sae.b_dec.normal_()
        sae.b_enc.normal_()
    dead = torch.zeros(96, dtype=torch.bool)
    dead[::5] = True
    x = torch.randn(64, 16, dtype=torch.float64)
    ref = sae(x, dead_mask=dead)
    ref_grads = torch.autograd.grad(ref.loss, list(sae.parameters()))
    out = topk_forward(sae, x, dead)
    grads = torch.autograd.grad(out.loss, list(sae.parameters()))
    assert float(out.auxk_loss.detach()) > 0
    for field in ("x_hat", "latents", "fvu", "mse", "l0", "auxk_loss", "loss"):
        torch.testing.assert_close(getattr(out, field), getattr(ref, field), msg=field)
    for a, b in zip(grads, ref_grads):
        torch.testing.assert_close(a, b)


def test_topk_forward_under_bf16_autocast_keeps_fp32_grads():
    torch.manual_seed(2)
    sae = SparseAutoencoder(SAEConfig(d_in=32, d_sae=128, k=8)).train()
    dead = torch.zeros(128, dtype=torch.bool)
    dead[::3] = True
    x = torch.randn(64, 32)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = topk_forward(sae, x, dead)
    out.loss.backward()
    assert all(p.grad is not None and p.grad.dtype == torch.float32 for p in sae.parameters())
    assert abs(float(out.fvu.detach()) - float(sae(x).fvu.detach())) < 0.05


def test_topk_forward_refuses_other_architectures():
    sae = SparseAutoencoder(SAEConfig(d_in=8, d_sae=16, architecture="relu"))
    with pytest.raises(ValueError, match="topk"):
        topk_forward(sae, torch.randn(4, 8))


@pytest.mark.parametrize("shape,k", [((512, 3072), 32), ((3, 7, 3072), 32), ((5, 100), 8)])
def test_rows_topk_finds_the_same_entries_as_topk(shape, k):
    """rows_topk (the detector's top-k over block maxima) returns the k largest entries of each row,
    as Tensor.topk does, for any leading shape; rows too short for blocks fall back to topk."""
    torch.manual_seed(0)
    x = torch.randn(*shape)
    values, idx = rows_topk(x, k)
    expected_values, expected_idx = x.topk(k, dim=-1)
    assert values.shape == idx.shape == (*shape[:-1], k)
    assert torch.equal(x.gather(-1, idx), values)
    assert torch.equal(idx.sort(-1).values, expected_idx.sort(-1).values)
    assert torch.equal(values.sort(-1, descending=True).values, expected_values)


def test_rows_topk_with_ties_keeps_the_top_values_and_distinct_indices():
    torch.manual_seed(0)
    x = torch.randint(0, 5, (64, 3072)).float()  # every row full of ties
    values, idx = rows_topk(x, 32)
    assert torch.equal(values.sort(-1).values, x.topk(32, dim=-1).values.sort(-1).values)
    assert torch.equal(x.gather(-1, idx), values)
    assert all(len(set(row.tolist())) == 32 for row in idx)
