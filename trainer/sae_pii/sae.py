"""The sparse autoencoder: TopK (default, with AuxK against dead latents) or ReLU + L1.

Conventions (the same as SAELens, so its loader reads our folder unchanged):
  encode(x) = act((x * input_scale - b_dec) @ W_enc + b_enc)
  decode(z) = (z @ W_dec + b_dec) / input_scale
W_enc is [d_in, d_sae], W_dec is [d_sae, d_in]. During training the inputs are scaled by
`input_scale` (so that E||x||^2 = d_in, which makes lr and loss scales model-independent) and the
decoder rows are kept at unit norm. `fold_input_scale()` absorbs the scale into the weights, so a
saved SAE takes RAW activations: that is what every file we write holds.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from sae_pii.topk_ops import rows_topk
from sae_pii.weight_cache import DerivedWeights

ARCHITECTURES = ("topk", "batchtopk", "relu")
SAELENS_CFG = "cfg.json"
SAELENS_WEIGHTS = "sae_weights.safetensors"
FINAL_PT = "sae_final.pt"
# SAELens treats configs older than 6.0 as legacy and rewrites them; we write the 6.x format.
SAELENS_FORMAT_VERSION = "6.0.0"


@dataclass
class SAEConfig:
    d_in: int
    d_sae: int
    architecture: str = "topk"
    """"topk" (default), "batchtopk" (k per token on average over a batch), or "relu" (ReLU + L1)."""
    k: int = 32
    """Active latents per token (topk / batchtopk)."""
    l1_coefficient: float = 5.0
    """ReLU only: weight of the L1 penalty (Anthropic's scale, with E||x||^2 = d_in)."""
    auxk_coefficient: float = 1 / 32
    """Weight of the AuxK loss that makes dead latents reconstruct the residual (OpenAI, 2024)."""
    k_aux: int | None = None
    """Latents used by AuxK; default d_in // 2 (sparsify's heuristic)."""
    model_name: str | None = None
    """The LM as the user named it, e.g. "all-MiniLM-L6-v2": what TruncatedLM.from_pretrained takes."""
    hook_layer: int | None = None
    """0-based block whose output (residual stream) the SAE reads; same meaning as TruncatedLM.layer."""
    input_scale: float = 1.0
    """Multiplies raw inputs before the weights; 1.0 once folded (every saved file)."""
    threshold: float | None = None
    """batchtopk only: the inference threshold that replaces the batch-level top-k once trained."""
    extra: dict = field(default_factory=dict)
    """Free-form provenance (dataset, tokens trained, final metrics)."""

    def __post_init__(self) -> None:
        if self.architecture not in ARCHITECTURES:
            raise ValueError(f"unknown SAE architecture {self.architecture!r}: choose one of {ARCHITECTURES}")
        if self.d_in <= 0 or self.d_sae <= 0:
            raise ValueError(f"d_in and d_sae must be positive, got d_in={self.d_in}, d_sae={self.d_sae}")
        if self.architecture != "relu" and not 0 < self.k <= self.d_sae:
            raise ValueError(f"k must be in 1..d_sae={self.d_sae}, got k={self.k}")

    @property
    def hook_name(self) -> str:
        # TransformerLens / SAELens name for the residual stream after block L.
        return f"blocks.{self.hook_layer}.hook_resid_post" if self.hook_layer is not None else "resid_post"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> SAEConfig:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


def reconstruction_stats(x: Tensor, x_hat: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Residual, summed squared error, FVU (squared error over the batch's total variance) and MSE.
    Shared by the dense forward and the sparse kernels so both report the same numbers."""
    err = x - x_hat
    sq_err = err.pow(2).sum()
    fvu = sq_err / (x - x.mean(0)).pow(2).sum().clamp_min(1e-12)
    return err, sq_err, fvu, sq_err / err.numel()


class ForwardOutput(NamedTuple):
    x_hat: Tensor
    """Reconstruction, in the same (raw) space as the input."""
    latents: Tensor
    """Dense latent activations [..., d_sae], >= 0."""
    top_acts: Tensor | None
    """Values of the active latents [N, k] (topk only, else None)."""
    top_indices: Tensor | None
    """Indices of the active latents [N, k] (topk only, else None)."""
    fvu: Tensor
    """Fraction of variance unexplained: sum ||x - x_hat||^2 / sum ||x - mean(x)||^2 over the batch."""
    mse: Tensor
    """Mean squared error per element, in the normalised space (E||x||^2 = d_in)."""
    l0: Tensor
    """Mean number of active latents per token."""
    auxk_loss: Tensor
    """AuxK loss (0 when no latent is dead or the architecture is relu)."""
    l1_loss: Tensor
    """Sum of latent activations per token (relu only, else 0)."""
    loss: Tensor
    """What the trainer backpropagates."""


def geometric_median(points: Tensor, max_iter: int = 100, tol: float = 1e-6) -> Tensor:
    """Weiszfeld's algorithm: the point minimising the sum of Euclidean distances (robust b_dec init)."""
    points = points.double()
    median = points.mean(0)
    for _ in range(max_iter):
        dist = (points - median).norm(dim=-1).clamp_min(1e-8)
        weights = 1.0 / dist
        new = (weights[:, None] * points).sum(0) / weights.sum()
        if (new - median).norm() <= tol * max(median.norm().item(), 1.0):
            median = new
            break
        median = new
    return median.float()


class SparseAutoencoder(nn.Module):
    def __init__(self, cfg: SAEConfig, device: str | torch.device = "cpu", dtype: torch.dtype = torch.float32):
        super().__init__()
        self.cfg = cfg
        d_in, d_sae = cfg.d_in, cfg.d_sae
        # Random unit-norm decoder rows, encoder = decoder transpose (OpenAI's init: fewer dead latents).
        w_dec = torch.randn(d_sae, d_in, device=device, dtype=dtype)
        w_dec /= w_dec.norm(dim=-1, keepdim=True)
        self.W_dec = nn.Parameter(w_dec)
        self.W_enc = nn.Parameter(w_dec.T.clone().contiguous())
        self.b_enc = nn.Parameter(torch.zeros(d_sae, device=device, dtype=dtype))
        self.b_dec = nn.Parameter(torch.zeros(d_in, device=device, dtype=dtype))
        self.sparse_kernels = False
        """topk only: train with sae_pii.topk_ops (same maths, only the encoder forward dense)."""
        self.gather_decode: bool | None = None
        """Decode the k active rows with embedding_bag (None: on GPU only, where it is cheaper)."""
        self._w_enc_copies = DerivedWeights()  # W_enc in an inference matmul dtype, when one is asked for

    # ----------------------------------------------------------------- encode / decode
    def pre_activations(self, x: Tensor, matmul_dtype: torch.dtype | None = None) -> Tensor:
        """matmul_dtype (inference only): multiply in this dtype, e.g. bfloat16 where the CPU does it
        several times faster (sae_pii.precision); the result is in the SAE's dtype."""
        x = x.to(self.W_enc.dtype)
        if self.cfg.input_scale != 1.0:
            x = x * self.cfg.input_scale
        if matmul_dtype is None or matmul_dtype == self.W_enc.dtype:
            return (x - self.b_dec) @ self.W_enc + self.b_enc
        if torch.is_grad_enabled():
            raise RuntimeError("a low-precision encoder is for inference: wrap the call in torch.inference_mode()")
        w_enc = self._w_enc_copies.get(self.W_enc, matmul_dtype, lambda: self.W_enc.detach().to(matmul_dtype))
        # The bias is added in place: a second [T, d_sae] float32 result is a fresh multi-MB allocation,
        # whose page faults can cost more than the bfloat16 product (the detector's SAE stage: 4.1 ->
        # 3.5 ms at 512 tokens; bench.detector_kernels times the two ways in isolation).
        return ((x - self.b_dec).to(matmul_dtype) @ w_enc).to(self.W_enc.dtype).add_(self.b_enc)

    def _activate(self, pre: Tensor) -> tuple[Tensor, Tensor | None, Tensor | None]:
        """Dense latents, plus (values, indices) for topk."""
        arch = self.cfg.architecture
        if arch == "topk" or (arch == "batchtopk" and self.cfg.threshold is None and not self.training):
            vals, idx = self._top_k(pre)
            return torch.zeros_like(pre).scatter_(-1, idx, vals), vals, idx
        if arch == "batchtopk":
            if self.training or self.cfg.threshold is None:
                # Keep the batch's k * N largest activations: k per token on average.
                flat = pre.relu().flatten()
                n_keep = min(self.cfg.k * pre[..., 0].numel(), flat.numel())
                vals, idx = flat.topk(n_keep, sorted=False)
                return torch.zeros_like(flat).scatter_(0, idx, vals).view_as(pre), None, None
            return pre * (pre > self.cfg.threshold), None, None
        return pre.relu(), None, None

    def encode(self, x: Tensor) -> Tensor:
        """[..., d_in] raw activations -> [..., d_sae] dense latents (>= 0)."""
        return self._activate(self.pre_activations(x))[0]

    def encode_topk(self, x: Tensor, matmul_dtype: torch.dtype | None = None) -> tuple[Tensor, Tensor] | None:
        """[..., d_in] -> the k active latents as ([..., k] values, [..., k] indices) for a TopK SAE
        (what a reader of k rows needs, without the dense [..., d_sae] tensor); None otherwise."""
        if self.cfg.architecture != "topk":
            return None
        return self._top_k(self.pre_activations(x, matmul_dtype))

    def _top_k(self, pre: Tensor) -> tuple[Tensor, Tensor]:
        vals, idx = rows_topk(pre, self.cfg.k)  # the same entries as pre.topk(k), faster
        return vals.relu(), idx

    def decode(self, latents: Tensor) -> Tensor:
        out = latents.to(self.W_dec.dtype) @ self.W_dec + self.b_dec
        return out / self.cfg.input_scale if self.cfg.input_scale != 1.0 else out

    def _gather_decode(self) -> bool:
        return self.W_dec.is_cuda if self.gather_decode is None else self.gather_decode

    def _decode_sparse(self, top_acts: Tensor, top_indices: Tensor, dense: Tensor | None) -> Tensor:
        """Decoder product of k active latents per row, without the bias or the input scale."""
        if self._gather_decode() or dense is None:
            # Gathers only the k active decoder rows: O(k * d_in) per token instead of O(d_sae * d_in).
            flat_idx = top_indices.reshape(-1, top_indices.shape[-1])
            flat_acts = top_acts.reshape(-1, top_acts.shape[-1]).to(self.W_dec.dtype)
            out = F.embedding_bag(flat_idx, self.W_dec, per_sample_weights=flat_acts, mode="sum")
            return out.view(*top_indices.shape[:-1], -1)
        # On CPU embedding_bag's backward sorts the indices and loses to a dense matmul (measured:
        # 147 vs 103 ms for 1024 x 3072 latents, k=32, d_in=384).
        return dense.to(self.W_dec.dtype) @ self.W_dec

    # ----------------------------------------------------------------- training forward
    def forward(self, x: Tensor, dead_mask: Tensor | None = None) -> ForwardOutput:
        """Everything the trainer needs from one batch of RAW activations [N, d_in].

        Losses are computed in the normalised space (x * input_scale), so their scale does not
        depend on the model's activation norms; x_hat is returned in the input's space.
        """
        if self.sparse_kernels and self.cfg.architecture == "topk":
            from sae_pii.topk_ops import topk_forward

            return topk_forward(self, x, dead_mask)
        scale = self.cfg.input_scale
        x = x.to(self.W_enc.dtype)
        xs = x * scale if scale != 1.0 else x
        pre = (xs - self.b_dec) @ self.W_enc + self.b_enc
        latents, top_acts, top_idx = self._activate(pre)
        if top_acts is not None:
            xs_hat = self._decode_sparse(top_acts, top_idx, latents) + self.b_dec
        else:
            xs_hat = latents @ self.W_dec + self.b_dec

        err, sq_err, fvu, mse = reconstruction_stats(xs, xs_hat)
        l0 = (latents > 0).float().sum(-1).mean()
        zero = fvu.new_zeros(())

        auxk = zero
        if self.cfg.architecture != "relu" and dead_mask is not None and self.training:
            auxk = self._auxk_loss(pre, err, dead_mask)

        l1 = zero
        if self.cfg.architecture == "relu":
            # Decoder rows are unit norm, so the L1 cannot be dodged by growing W_dec.
            l1 = latents.sum(-1).mean()
            loss = sq_err / xs.shape[0] + self.cfg.l1_coefficient * l1
        else:
            loss = fvu + self.cfg.auxk_coefficient * auxk

        x_hat = xs_hat / scale if scale != 1.0 else xs_hat
        return ForwardOutput(x_hat, latents, top_acts, top_idx, fvu, mse, l0, auxk, l1, loss)

    def _auxk_loss(self, pre: Tensor, residual: Tensor, dead_mask: Tensor) -> Tensor:
        """Dead latents learn to reconstruct what the live ones missed (OpenAI 2024, Appendix A.2)."""
        n_dead = int(dead_mask.sum())
        if n_dead == 0:
            return pre.new_zeros(())
        k_aux = self.cfg.k_aux or self.cfg.d_in // 2
        # Fewer dead latents than k_aux: scale the loss down (sparsify's heuristic).
        weight = min(n_dead / k_aux, 1.0)
        k_aux = min(k_aux, n_dead)
        masked = torch.where(dead_mask[None], pre, pre.new_tensor(-torch.inf))
        vals, idx = masked.topk(k_aux, dim=-1, sorted=False)
        vals = vals.relu()
        dense = None if self._gather_decode() else torch.zeros_like(pre).scatter_(-1, idx, vals)
        res_hat = self._decode_sparse(vals, idx, dense)
        target = residual.detach()
        denom = (target - target.mean(0)).pow(2).sum().clamp_min(1e-12)
        return weight * (res_hat - target).pow(2).sum() / denom

    # ----------------------------------------------------------------- constraints
    @torch.no_grad()
    def set_decoder_norm_to_unit_norm(self) -> None:
        self.W_dec.data /= self.W_dec.data.norm(dim=-1, keepdim=True).clamp_min(1e-8)

    @torch.no_grad()
    def remove_gradient_parallel_to_decoder_directions(self) -> None:
        """Project out the radial part of W_dec's gradient: with unit-norm rows only the
        tangential part moves the direction, the radial part would be undone by renormalising."""
        if self.W_dec.grad is None:
            return
        w = self.W_dec.data
        parallel = (self.W_dec.grad * w).sum(-1, keepdim=True)
        self.W_dec.grad -= parallel * w

    @torch.no_grad()
    def init_b_dec(self, sample: Tensor, method: str = "geometric_median") -> None:
        """b_dec from a sample of RAW activations, expressed in the normalised space."""
        sample = sample.to(self.b_dec.device, torch.float32) * self.cfg.input_scale
        if method == "geometric_median":
            center = geometric_median(sample)
        elif method == "mean":
            center = sample.mean(0)
        elif method == "zeros":
            center = torch.zeros_like(self.b_dec)
        else:
            raise ValueError(f"b_dec_init must be geometric_median, mean or zeros, got {method!r}")
        self.b_dec.data.copy_(center.to(self.b_dec.dtype))

    @torch.no_grad()
    def fold_input_scale(self) -> SparseAutoencoder:
        """Absorb input_scale into the weights: same latents and x_hat from raw inputs, scale 1.

        (x*s - b) @ W_enc = (x - b/s) @ (s*W_enc), and (z @ W_dec + b) / s = z @ (W_dec/s) + b/s.
        Latents are unchanged; decoder rows end up with norm 1/s.
        """
        s = self.cfg.input_scale
        if s != 1.0:
            self.W_enc.data *= s
            self.W_dec.data /= s
            self.b_dec.data /= s
            self.cfg.input_scale = 1.0  # pre-activations are unchanged, so a batchtopk threshold is too
        return self

    def folded_copy(self) -> SparseAutoencoder:
        """A float32 CPU copy with the input scale folded in: what gets saved."""
        cfg = SAEConfig.from_dict(json.loads(json.dumps(self.cfg.to_dict())))
        copy = SparseAutoencoder(cfg, device="cpu")
        copy.load_state_dict({k: v.detach().float().cpu() for k, v in self.state_dict().items()})
        return copy.fold_input_scale()

    # ----------------------------------------------------------------- save / load
    def saelens_cfg(self) -> dict:
        """cfg.json in SAELens 6.x format (TopKSAE / StandardSAE / JumpReLUSAE)."""
        c = self.cfg
        if c.input_scale != 1.0:
            raise ValueError("fold_input_scale() before exporting: SAELens expects raw-activation weights")
        out = {
            "d_in": c.d_in,
            "d_sae": c.d_sae,
            "dtype": "float32",
            "device": "cpu",
            "apply_b_dec_to_input": True,
            "normalize_activations": "none",
            "reshape_activations": "none",
            "metadata": {
                "sae_lens_version": SAELENS_FORMAT_VERSION,
                "sae_lens_training_version": SAELENS_FORMAT_VERSION,
                "model_name": c.model_name,
                "hook_name": c.hook_name,
                "hook_layer": c.hook_layer,
                "trained_with": "sae-pii",
                "sae_pii_config": c.to_dict(),
            },
        }
        if c.architecture == "topk" or (c.architecture == "batchtopk" and c.threshold is None):
            out.update(architecture="topk", k=c.k, rescale_acts_by_decoder_norm=False)
        elif c.architecture == "batchtopk":
            out.update(architecture="jumprelu")
        else:
            out.update(architecture="standard")
        return out

    def _export_state_dict(self) -> dict[str, Tensor]:
        sd = {k: v.detach().float().cpu().contiguous() for k, v in self.state_dict().items()}
        if self.cfg.architecture == "batchtopk" and self.cfg.threshold is not None:
            sd["threshold"] = torch.full((self.cfg.d_sae,), float(self.cfg.threshold))
        return sd

    def save_pretrained(self, path: str | Path) -> Path:
        """Write a SAELens-compatible folder (cfg.json + sae_weights.safetensors), atomically."""
        from safetensors.torch import save_file

        from sae_pii.atomic import atomic_dir

        sae = self.folded_copy() if self.cfg.input_scale != 1.0 else self
        path = Path(path)
        with atomic_dir(path) as tmp:
            save_file(sae._export_state_dict(), str(tmp / SAELENS_WEIGHTS))
            (tmp / SAELENS_CFG).write_text(json.dumps(sae.saelens_cfg(), indent=2))
        return path

    def save_pt(self, path: str | Path) -> Path:
        """sae_final.pt: {"cfg": dict, "state_dict": tensors}; loads with torch.load(weights_only=True)."""
        from sae_pii.atomic import atomic_file

        sae = self.folded_copy() if self.cfg.input_scale != 1.0 else self
        payload = {"cfg": sae.cfg.to_dict(), "state_dict": sae._export_state_dict()}
        path = Path(path)
        with atomic_file(path) as tmp:
            torch.save(payload, tmp)
        return path

    @classmethod
    def from_pretrained(cls, path: str | Path, device: str | torch.device = "cpu") -> SparseAutoencoder:
        """Load from a run directory (uses run_dir/sae/), a SAELens-style folder or a sae_final.pt."""
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"no SAE at {path}: pass a run directory, an SAE folder or a {FINAL_PT} file")
        if path.is_dir():
            if (path / "sae" / SAELENS_CFG).is_file():
                path = path / "sae"
            elif not (path / SAELENS_CFG).is_file() and (path / FINAL_PT).is_file():
                path = path / FINAL_PT
        if path.is_file():
            return cls._from_pt(path, device)
        cfg_file, weights_file = path / SAELENS_CFG, path / SAELENS_WEIGHTS
        if not (cfg_file.is_file() and weights_file.is_file()):
            raise FileNotFoundError(
                f"{path} holds no SAE: expected {SAELENS_CFG} + {SAELENS_WEIGHTS} (SAELens format), "
                f"a sae/ subfolder (run directory) or {FINAL_PT}"
            )
        from safetensors.torch import load_file

        try:
            raw = json.loads(cfg_file.read_text())
        except json.JSONDecodeError as exc:
            raise ValueError(f"{cfg_file} is not valid JSON: {exc}") from exc
        return cls._build(cls._cfg_from_saelens(raw, cfg_file), load_file(str(weights_file)), device)

    @classmethod
    def _from_pt(cls, path: Path, device) -> SparseAutoencoder:
        try:
            payload = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as exc:  # corrupt file, pickle with code, wrong format
            raise ValueError(f"cannot read {path} as an SAE checkpoint ({exc})") from exc
        if not isinstance(payload, dict) or "cfg" not in payload or "state_dict" not in payload:
            raise ValueError(f"{path} is not an sae-pii checkpoint: expected a dict with 'cfg' and 'state_dict'")
        return cls._build(SAEConfig.from_dict(payload["cfg"]), payload["state_dict"], device)

    @staticmethod
    def _cfg_from_saelens(raw: dict, where: Path) -> SAEConfig:
        meta = raw.get("metadata") or {}
        if isinstance(meta.get("sae_pii_config"), dict):
            return SAEConfig.from_dict(meta["sae_pii_config"])
        arch = raw.get("architecture", "standard")
        if raw.get("normalize_activations", "none") not in ("none", None):
            raise ValueError(f"{where}: normalize_activations={raw['normalize_activations']!r} is not supported")
        if raw.get("rescale_acts_by_decoder_norm"):
            raise ValueError(f"{where}: rescale_acts_by_decoder_norm=true is not supported")
        if not raw.get("apply_b_dec_to_input", True):
            raise ValueError(f"{where}: apply_b_dec_to_input=false is not supported")
        kinds = {"topk": "topk", "standard": "relu"}
        if arch not in kinds:
            raise ValueError(f"{where}: SAELens architecture {arch!r} is not supported (topk, standard)")
        hook = meta.get("hook_name") or raw.get("hook_name") or ""
        layer = meta.get("hook_layer")
        if layer is None and hook.startswith("blocks."):
            layer = int(hook.split(".")[1])
        return SAEConfig(
            d_in=int(raw["d_in"]), d_sae=int(raw["d_sae"]), architecture=kinds[arch],
            k=int(raw.get("k", 32)), model_name=meta.get("model_name"), hook_layer=layer,
        )

    @classmethod
    def _build(cls, cfg: SAEConfig, state: dict, device) -> SparseAutoencoder:
        state = dict(state)
        threshold = state.pop("threshold", None)
        if threshold is not None and cfg.threshold is None:
            cfg.threshold = float(threshold.flatten()[0])
        sae = cls(cfg, device="cpu")
        missing = {"W_enc", "b_enc", "W_dec", "b_dec"} - set(state)
        if missing:
            raise ValueError(f"SAE weights lack {sorted(missing)}")
        sae.load_state_dict({k: v.float() for k, v in state.items()})
        return sae.to(device).eval()

    def extra_repr(self) -> str:
        c = self.cfg
        return f"{c.architecture}, d_in={c.d_in}, d_sae={c.d_sae}, k={c.k}, layer={c.hook_layer}"


def fvu_of(x: Tensor, x_hat: Tensor) -> float:
    """FVU of a reconstruction over a whole set (used for validation)."""
    x, x_hat = x.double(), x_hat.double()
    return float((x - x_hat).pow(2).sum() / (x - x.mean(0)).pow(2).sum().clamp_min(1e-12))


def expected_sq_norm_scale(sample: Tensor) -> float:
    """The input scale s with E||s x||^2 = d_in (Anthropic's normalisation, folded back on save)."""
    mean_sq = sample.double().pow(2).sum(-1).mean().item()
    if not math.isfinite(mean_sq) or mean_sq <= 0:
        raise ValueError(f"activation sample has mean squared norm {mean_sq}: cannot normalise")
    return math.sqrt(sample.shape[-1] / mean_sq)
