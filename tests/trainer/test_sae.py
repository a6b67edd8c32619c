"""SAE math: TopK sparsity, unit-norm decoder, folding the input scale, save/load and SAELens."""

from __future__ import annotations

import json

import pytest
import torch
from sae_pii.sae import SAEConfig, SparseAutoencoder, expected_sq_norm_scale, geometric_median

ARCHS = ["topk", "relu", "batchtopk"]


def activations(n=512, d=24, seed=0):
    g = torch.Generator().manual_seed(seed)
    # Offset and large scale like a real residual stream (norms far from sqrt(d)).
    return torch.randn(n, d, generator=g) * 9.0 + torch.linspace(-5, 5, d)


def trained_like(arch: str, d=24, d_sae=96, k=6) -> SparseAutoencoder:
    """An SAE in training state: input scale set, b_dec from data, non-trivial biases."""
    torch.manual_seed(1)
    x = activations(d=d)
    sae = SparseAutoencoder(SAEConfig(d_in=d, d_sae=d_sae, k=k, architecture=arch, model_name="m", hook_layer=2))
    sae.cfg.input_scale = expected_sq_norm_scale(x)
    sae.init_b_dec(x, "geometric_median")
    with torch.no_grad():
        sae.b_enc.normal_(0, 0.3)
    if arch == "batchtopk":
        sae.cfg.threshold = 0.4
    return sae.eval()


def test_topk_keeps_exactly_k_nonnegative_latents():
    sae = trained_like("topk", k=6)
    x = activations(seed=3)
    z = sae.encode(x)
    assert z.shape == (512, 96)
    assert (z >= 0).all()
    assert ((z > 0).sum(-1) <= 6).all()
    assert (z > 0).sum(-1).float().mean() > 5  # almost every row has 6 positive pre-activations
    # The kept latents are the largest pre-activations.
    pre = sae.pre_activations(x)
    top = pre.topk(6, dim=-1).indices
    assert torch.equal(torch.zeros_like(z, dtype=torch.bool).scatter_(-1, top, True) & (pre > 0), z > 0)


def test_input_normalisation_gives_mean_squared_norm_d_in():
    x = activations()
    s = expected_sq_norm_scale(x)
    assert (x * s).pow(2).sum(-1).mean().item() == pytest.approx(x.shape[1], rel=1e-5)


@pytest.mark.parametrize("arch", ARCHS)
def test_folding_the_scale_gives_identical_outputs_on_raw_input(arch):
    sae = trained_like(arch)
    assert sae.cfg.input_scale != pytest.approx(1.0)
    x = activations(seed=7)
    z, x_hat = sae.encode(x), sae.decode(sae.encode(x))
    folded = sae.folded_copy().eval()
    assert folded.cfg.input_scale == 1.0
    torch.testing.assert_close(folded.encode(x), z, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(folded.decode(folded.encode(x)), x_hat, rtol=1e-4, atol=1e-4)
    # The original is untouched (the trainer keeps training it).
    assert sae.cfg.input_scale != 1.0


def test_decoder_stays_unit_norm_and_gradient_is_tangential():
    torch.manual_seed(0)
    x = activations()
    sae = SparseAutoencoder(SAEConfig(d_in=24, d_sae=96, k=6))
    sae.cfg.input_scale = expected_sq_norm_scale(x)
    opt = torch.optim.Adam(sae.parameters(), lr=1e-2)
    for _ in range(5):
        out = sae(x)
        out.loss.backward()
        sae.remove_gradient_parallel_to_decoder_directions()
        radial = (sae.W_dec.grad * sae.W_dec.data).sum(-1)
        assert radial.abs().max() < 1e-6
        opt.step()
        opt.zero_grad()
        sae.set_decoder_norm_to_unit_norm()
        torch.testing.assert_close(sae.W_dec.norm(dim=-1), torch.ones(96))


def test_training_steps_reduce_fvu_and_auxk_moves_only_dead_latents():
    torch.manual_seed(0)
    x = activations(n=1024)
    sae = SparseAutoencoder(SAEConfig(d_in=24, d_sae=96, k=4))
    sae.cfg.input_scale = expected_sq_norm_scale(x)
    sae.init_b_dec(x)
    dead = torch.zeros(96, dtype=torch.bool)
    dead[:10] = True
    # AuxK alone: only dead latents' encoder columns get a gradient.
    out = sae(x, dead_mask=dead)
    assert out.auxk_loss > 0
    (out.auxk_loss).backward()
    grad_cols = sae.W_enc.grad.abs().sum(0) > 0
    assert grad_cols[:10].any() and not grad_cols[10:].any()
    sae.zero_grad()
    opt = torch.optim.Adam(sae.parameters(), lr=3e-3)
    first = None
    for _ in range(60):
        out = sae(x, dead_mask=dead)
        first = first if first is not None else out.fvu.item()
        out.loss.backward()
        opt.step()
        opt.zero_grad()
        sae.set_decoder_norm_to_unit_norm()
    assert out.fvu.item() < 0.7 * first
    assert out.l0.item() == pytest.approx(4.0)


def test_geometric_median_ignores_outliers_where_the_mean_does_not():
    g = torch.Generator().manual_seed(0)
    pts = torch.randn(200, 8, generator=g)
    pts[:10] += 1000.0
    gm = geometric_median(pts)
    assert gm.norm() < 2.0
    assert pts.mean(0).norm() > 100


@pytest.mark.parametrize("arch", ARCHS)
def test_save_load_roundtrip_all_forms(arch, tmp_path):
    sae = trained_like(arch)
    x = activations(seed=5)
    z = sae.encode(x)
    sae.save_pretrained(tmp_path / "run" / "sae")
    sae.save_pt(tmp_path / "run" / "sae_final.pt")
    for where in (tmp_path / "run", tmp_path / "run" / "sae", tmp_path / "run" / "sae_final.pt"):
        loaded = SparseAutoencoder.from_pretrained(where)
        assert loaded.cfg.input_scale == 1.0  # saved weights take raw activations
        assert (loaded.cfg.model_name, loaded.cfg.hook_layer, loaded.cfg.architecture) == ("m", 2, arch)
        torch.testing.assert_close(loaded.encode(x), z, rtol=1e-5, atol=1e-5)
    payload = torch.load(tmp_path / "run" / "sae_final.pt", weights_only=True)
    assert set(payload) == {"cfg", "state_dict"}


@pytest.mark.parametrize("arch,saelens_class", [("topk", "TopKSAE"), ("relu", "StandardSAE"),
                                                 ("batchtopk", "JumpReLUSAE")])
def test_sae_lens_loads_the_folder_and_encodes_identically(arch, saelens_class, tmp_path):
    from sae_lens import SAE

    sae = trained_like(arch)
    sae.save_pretrained(tmp_path / "sae")
    cfg = json.loads((tmp_path / "sae" / "cfg.json").read_text())
    assert cfg["metadata"]["hook_name"] == "blocks.2.hook_resid_post"
    theirs = SAE.load_from_disk(tmp_path / "sae")
    assert type(theirs).__name__ == saelens_class
    x = activations(seed=11)
    torch.testing.assert_close(theirs.encode(x), sae.encode(x), rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(theirs(x), sae.decode(sae.encode(x)), rtol=1e-4, atol=1e-4)


def test_loading_nothing_or_garbage_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no SAE at"):
        SparseAutoencoder.from_pretrained(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="holds no SAE"):
        SparseAutoencoder.from_pretrained(tmp_path)
    bad = tmp_path / "sae_final.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="cannot read"):
        SparseAutoencoder.from_pretrained(bad)


def test_config_rejects_impossible_shapes():
    with pytest.raises(ValueError, match="k must be in 1..d_sae"):
        SAEConfig(d_in=8, d_sae=16, k=32)
    with pytest.raises(ValueError, match="unknown SAE architecture"):
        SAEConfig(d_in=8, d_sae=16, architecture="gated")


def test_gpu_decode_path_gives_the_dense_losses_and_gradients():
    """The embedding_bag decode (used on GPU) against the dense matmul (used on CPU)."""
    x = activations(n=256)
    dead = torch.zeros(96, dtype=torch.bool)
    dead[::3] = True
    grads = {}
    for gather in (False, True):
        sae = trained_like("topk").train()
        sae.gather_decode = gather
        out = sae(x, dead_mask=dead)
        assert out.auxk_loss > 0
        out.loss.backward()
        grads[gather] = (out.loss.detach(), out.x_hat.detach(), {n: p.grad.clone() for n, p in sae.named_parameters()})
    torch.testing.assert_close(grads[True][0], grads[False][0])
    torch.testing.assert_close(grads[True][1], grads[False][1], rtol=1e-4, atol=1e-4)
    for name in grads[False][2]:
        torch.testing.assert_close(grads[True][2][name], grads[False][2][name], rtol=1e-4, atol=1e-5)
