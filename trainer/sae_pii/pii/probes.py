"""Token classifiers on SAE latents (or, as the baseline, on raw activations).

A probe reads the features of a token and of its `context` neighbours on each side. With
`hidden=0` it is one linear softmax layer over {O, PERSON, EMAIL_ADDRESS, ...}:
logits[t] = b + sum_o W_o . f[t + o], a 1-D convolution over the token sequence, i.e. multinomial
logistic regression on the concatenated neighbourhood features. With `hidden=H` (the default) that
convolution outputs H GELU units and a second, narrow convolution (`hidden_context` tokens each side)
maps them to the classes: a two-layer head that can tell where an entity starts and stops ("lives
on 34 Jessica Expressway" vs "34 Jessica Expressway"), which a linear read of one token cannot
(held-out templates 0.79 -> 0.87 exact-span micro F1 with the rule layer).
A token's features are the model's (SAE latents or raw activations) and, when the probe was fit
with them, the orthographic token shapes of `shapes.py` appended after.
Per-label decision thresholds are chosen afterwards on validation data.

Files (never pickle: loading a pickle runs code): `<name>.safetensors` holds `weight`
[n_out, n_features, 2*context+1] and `bias` [n_out] with the feature scaling folded in (n_out = H,
or the classes for a linear probe) and, with a hidden layer, `out_weight`
[n_classes, H, 2*hidden_context+1] and `out_bias`; `probes.json` holds everything else (classes,
context, hidden size, thresholds, feature kind, metrics). A "mix" entry (ProbeMixture) has no file:
it names member probes and their weights, and holds its own thresholds.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

from sae_pii.pii.align import IGNORE_INDEX
from sae_pii.pii.labels import CLASSES, LABELS
from sae_pii.pii.shapes import PROBE_SHAPES, SHAPE_FEATURES
from sae_pii.precision import matmul_dtype
from sae_pii.weight_cache import DerivedWeights

PROBES_JSON = "probes.json"
FORMAT_VERSION = 2  # 2 added "mix" entries (older readers would choke on them); 1 still loads
READABLE_FORMAT_VERSIONS = (1, 2)
FEATURE_KINDS = ("sae", "raw")
MIX = "mix"  # the feature kind of a ProbeMixture entry


@dataclass
class ProbeTrainConfig:
    context: int = 2  # neighbours each side the first layer reads
    # GELU units between the features and the classes; 0 fits a linear probe. Raw-activation probe,
    # held-out templates, rule layer on: linear 0.79, 128 units 0.873, 256 units 0.873 exact-span
    # micro F1; presidio-research 0.69 / 0.68 / 0.68 (context 3, hidden_context 1).
    hidden: int = 128
    # Neighbours each side the output layer reads from the hidden units. Context 2 + 2 beat 3 + 1
    # (same reach of 4 tokens, fewer weights): validation 0.880 -> 0.891, held-out 0.900 -> 0.911.
    hidden_context: int = 2
    epochs: int = 8
    lr: float | None = None  # None: 1e-2 for a linear probe, 2e-3 with a hidden layer
    weight_decay: float | None = None  # None: 1e-3 for a linear probe, 1e-2 with a hidden layer
    hidden_dropout: float = 0.1
    chunk_tokens: int = 1024
    batch_chunks: int = 2
    sparse_keep: int = 64  # SAE latents kept per token in the training cache (all k for a topk SAE)
    # The SAE probe reads up to this many latents, chosen by select_features(). On held-out templates
    # 512 latents gave 0.61 exact-span F1, 2048 and all 3072 0.63; feature dropout mattered more.
    select_features: int = 4096
    l2: float = 0.0  # penalty on the squared weights (features RMS-scaled); 1e-4 hurt, 1e-5 changed nothing
    # Dropout on input features while training: the probe cannot lean on a few template-specific
    # latents (held-out templates 0.63 -> 0.68 exact-span F1, presidio-research 0.39 -> 0.45).
    # 0.5 beat 0.3 on the template-disjoint validation split (0.682 vs 0.670), so it is the default.
    feature_dropout: float = 0.5
    patience: int = 2  # with validation data: stop after this many epochs without a better loss
    shapes: bool = True  # also read the token shapes of shapes.py (capitalisation the model may not see)
    # Share of each training document's words the name lexicon forgets (shapes.token_shapes): about
    # the share of the capitalised words inside real names the probes' lexicon does not know (9.5 %;
    # 20.6 % with Faker's alone, when 0.25 was chosen).
    lexicon_forget: float = 0.1
    seed: int = 0
    # Probes of each kind fit with seeds seed, seed + 1, ...; the detector averages their
    # probabilities. Two against one, same code: held-out +0.004-0.007, presidio-research up to
    # +0.01, the blind realistic sets +0.001-0.008 (docs/pii.md, the sixteenth session).
    seeds: int = 2

    @property
    def member_seeds(self) -> tuple[int, ...]:
        """The seed of each probe fit per kind."""
        return tuple(range(self.seed, self.seed + self.seeds))

    @property
    def shape_features(self) -> tuple[str, ...]:
        """The token shapes the probes read beside the model's features (none without `shapes`)."""
        return PROBE_SHAPES if self.shapes else ()

    @property
    def reach(self) -> int:
        """Tokens the probe reads on each side of the one it labels."""
        return self.context + (self.hidden_context if self.hidden else 0)

    def optimizer_settings(self) -> tuple[float, float]:
        lr = self.lr if self.lr is not None else (2e-3 if self.hidden else 1e-2)
        wd = self.weight_decay if self.weight_decay is not None else (1e-2 if self.hidden else 1e-3)
        return lr, wd


def fast_dropout(x: torch.Tensor, p: float) -> torch.Tensor:
    """Inverted dropout (training only) with the keep mask drawn from random bytes, p rounded to a
    multiple of 1/256: several times faster on CPU than F.dropout's per-element Bernoulli draws.
    The bytes come eight at a time, as full-range int64 draws read as bytes: the generator's cost
    is per draw, so the draws cost ~6x less than one uint8 draw per entry, and the whole dropout of
    a raw probe's 2,064 x 392 batch 2.5x less (bench.detector_kernels)."""
    cut = round(p * 256)
    if cut <= 0:
        return x
    words = torch.empty((x.numel() + 7) // 8, dtype=torch.int64, device=x.device).random_(-2 ** 63, None)
    keep = words.view(torch.uint8)[:x.numel()].view(x.shape) >= cut
    return x * keep / (1 - cut / 256)


class TokenProbe(torch.nn.Module):
    groups = 1  # probes side by side in this one (FusedProbes); each reads its own hidden units
    def __init__(self, n_features: int, context: int, n_classes: int = len(CLASSES),
                 feature_index: torch.Tensor | None = None, n_shapes: int = 0,
                 hidden: int = 0, hidden_context: int = 0, shape_features: tuple[str, ...] | None = None):
        super().__init__()
        self.context = context
        self.hidden = hidden
        self.hidden_context = hidden_context if hidden else 0
        self.n_shapes = n_shapes  # the last n_shapes of the n_features inputs are token shapes
        # Which token shapes, in order (a probe file names them; a new probe reads the first n_shapes
        # of PROBE_SHAPES).
        self.shape_features = tuple(PROBE_SHAPES[:n_shapes] if shape_features is None else shape_features)
        if len(self.shape_features) != n_shapes:
            raise ValueError(f"{n_shapes} token shapes but {len(self.shape_features)} named: {self.shape_features}")
        first = hidden or n_classes
        self.weight = torch.nn.Parameter(torch.zeros(first, n_features, 2 * context + 1))
        self.bias = torch.nn.Parameter(torch.zeros(first))
        if hidden:
            self.out_weight = torch.nn.Parameter(torch.zeros(n_classes, hidden, 2 * self.hidden_context + 1))
            self.out_bias = torch.nn.Parameter(torch.zeros(n_classes))
            # Zero output weights would leave the hidden units without gradient.
            torch.nn.init.kaiming_uniform_(self.out_weight, a=5 ** 0.5)
            torch.nn.init.kaiming_uniform_(self.weight, a=5 ** 0.5)
        # Which input features the probe reads (selected SAE latents); None: all of them.
        self.register_buffer("feature_index", feature_index, persistent=False)
        self._stacked = DerivedWeights()  # _laid_out() matrices per layout and dtype, kept while the weights stay the same
        # Inference only: "auto" or "bfloat16" run the dense features' product in bfloat16 where the
        # CPU does it 2x faster (sae_pii.precision), decided at the first such product: a probe that
        # reads a TopK SAE's k latents gathers weight rows and never needs one.
        self.precision = "float32"

    @property
    def n_features(self) -> int:
        return self.weight.shape[1]

    @property
    def n_classes(self) -> int:
        return (self.out_weight if self.hidden else self.weight).shape[0]

    @property
    def reach(self) -> int:
        """Tokens read on each side of the one labelled."""
        return self.context + self.hidden_context

    def stacked_weight(self) -> torch.Tensor:
        """[F, K * O]: one matmul projects every feature row onto every (offset, output) pair."""
        f, k = self.weight.shape[1], self.weight.shape[2]
        return self.weight.permute(1, 2, 0).reshape(f, -1) if k else self.weight.new_zeros(f, 0)

    @torch.no_grad()
    def unstack_weight(self, stacked: torch.Tensor) -> None:
        """Set the first layer's [O, F, K] weight from its stacked_weight() layout [F, K * O]."""
        f, k = self.weight.shape[1], self.weight.shape[2]
        self.weight.copy_(stacked.view(f, k, -1).permute(2, 0, 1))

    def combine(self, projected: torch.Tensor) -> torch.Tensor:
        """[N + 2c, K * O] projections (c halo rows each side) -> [N, O] first-layer outputs:
        out[t] = b + sum_k W[:, :, k] . f[t + k], i.e. a 1-D convolution over tokens."""
        return _shifted_sum(projected, 2 * self.context + 1, self.bias)

    def head(self, first: torch.Tensor, dropout: float = 0.0) -> torch.Tensor:
        """First-layer outputs [N + 2h, O] (h = hidden_context halo rows each side) -> [N, C] logits."""
        if not self.hidden:
            return first
        h = fast_dropout(F.gelu(first), dropout)
        if torch.is_grad_enabled():
            return F.conv1d(h.T[None], self.out_weight, self.out_bias, groups=self.groups)[0].T
        # Inference: the same convolution as one product and shifted sums, like the first layer:
        # 1.3x faster than mkldnn's grouped conv1d at 512 tokens in float32, more in bfloat16, and
        # its output is contiguous (bench.detector_kernels).
        return _shifted_sum(self._product(h, self.out_weight, self._out_stacked), 2 * self.hidden_context + 1,
                            self.out_bias)

    def _out_stacked(self) -> torch.Tensor:
        """[H, K * C] of the output convolution: block-diagonal when groups > 1 (group g's classes
        read only its hidden units), so one product serves every group."""
        c_all, h_group, k = self.out_weight.shape
        c_group = c_all // self.groups
        out = self.out_weight.new_zeros(h_group * self.groups, k, c_all)
        for g in range(self.groups):
            rows, cols = slice(g * h_group, (g + 1) * h_group), slice(g * c_group, (g + 1) * c_group)
            out[rows, :, cols] = self.out_weight[cols].detach().permute(1, 2, 0)
        return out.reshape(h_group * self.groups, k * c_all)

    def _laid_out(self, weight: torch.Tensor, layout, dtype: torch.dtype | None = None) -> torch.Tensor:
        """layout() (a matrix laid out from `weight`) in `dtype` if given; without autograd, made once
        per weight version and dtype."""
        dtype = dtype or weight.dtype
        return self._stacked.get(weight, (layout.__name__, dtype), lambda: layout().to(dtype))

    def _compute_dtype(self, device, shape: tuple[int, ...]) -> torch.dtype:
        """The dtype of a product with a `shape` weight: what `precision` asks for (bfloat16 where this
        CPU does it 2x faster, for "auto"), and the weights' own while training."""
        return self.weight.dtype if torch.is_grad_enabled() else matmul_dtype(self.precision, device, shape)

    def _product(self, x: torch.Tensor, weight: torch.Tensor, layout) -> torch.Tensor:
        """x @ layout(), in the compute dtype; the result in the weights' dtype."""
        full = self._laid_out(weight, layout)
        dtype = self._compute_dtype(x.device, full.shape)
        if dtype == full.dtype:
            return x @ full
        return (x.to(dtype) @ self._laid_out(weight, layout, dtype)).to(full.dtype)

    def project(self, feats: torch.Tensor) -> torch.Tensor:
        """[N, F] features -> [N, K * O] projections. SAE latents are mostly zeros (k of d_sae per
        token): then only the weight rows of the non-zeros are gathered, not a dense matmul."""
        width = feats.shape[1]
        if len(feats) and _gathers(int((feats[len(feats) // 2] != 0).sum()), width):  # one dense row settles it
            nnz = int((feats != 0).sum(1).max())
            if nnz and _gathers(nnz, width):
                idx = feats.abs().topk(nnz, dim=1).indices
                return F.embedding_bag(idx, self._laid_out(self.weight, self.stacked_weight),
                                       per_sample_weights=feats.gather(1, idx), mode="sum")
        return self._product(feats, self.weight, self.stacked_weight)

    def logits_padded(self, feats: torch.Tensor) -> torch.Tensor:
        """[N + 2 * reach, F] features (reach halo rows each side) -> [N, C] logits."""
        return self.head(self.combine(self.project(feats)))

    def forward(self, feats: torch.Tensor | tuple[torch.Tensor, torch.Tensor],
                shapes: torch.Tensor | np.ndarray | None = None) -> torch.Tensor:
        """[T, F] features of one document (and its [T, n_shapes] token shapes when the probe reads
        them) -> [T, C] class probabilities (zero features past the edges). `feats` may also be a
        TopK SAE's ([T, k] values, [T, k] indices) from `encode_topk`: the first layer then gathers
        the k weight rows per token directly."""
        if isinstance(feats, tuple):
            if self.feature_index is None:
                return self._forward_topk(*feats, shapes)
            vals, idx = feats  # a probe on selected latents reads them densely
            width = int(max(idx.max(), self.feature_index.max())) + 1 if idx.numel() else 0
            feats = vals.new_zeros((len(vals), width)).scatter_(1, idx, vals)
        if self.feature_index is not None:
            feats = feats[:, self.feature_index]
        if self.n_shapes:
            feats = torch.cat([feats, self._shape_rows(shapes, feats)], 1)
        padded = F.pad(feats, (0, 0, self.reach, self.reach))
        return self.probabilities(self.logits_padded(padded))

    def probabilities(self, logits: torch.Tensor) -> torch.Tensor:
        return _softmax(logits)

    def _shape_rows(self, shapes, like: torch.Tensor) -> torch.Tensor:
        if shapes is None:
            raise ValueError("this probe also reads token shapes: pass shapes=token_shapes(text, offsets)")
        return torch.as_tensor(shapes).to(like)

    def _forward_topk(self, vals: torch.Tensor, idx: torch.Tensor, shapes) -> torch.Tensor:
        if self.n_shapes:
            first = self.n_features - self.n_shapes
            vals = torch.cat([vals, self._shape_rows(shapes, vals)], 1)
            idx = torch.cat([idx, torch.arange(first, first + self.n_shapes, device=idx.device).expand(len(idx), -1)], 1)
        r = self.reach
        vals, idx = F.pad(vals, (0, 0, r, r)), F.pad(idx, (0, 0, r, r))  # halo rows: weight 0
        # The row gather in the products' dtype (embedding_bag sums in float32, then rounds): bfloat16
        # reads half the bytes, 1.4x faster at 512 tokens (bench.detector_kernels).
        stacked = self._laid_out(self.weight, self.stacked_weight)
        dtype = self._compute_dtype(vals.device, stacked.shape)
        rows = stacked if dtype == stacked.dtype else self._laid_out(self.weight, self.stacked_weight, dtype)
        projected = F.embedding_bag(idx, rows, per_sample_weights=vals.to(dtype), mode="sum").to(stacked.dtype)
        return self.probabilities(self.head(self.combine(projected)))


def _gathers(nnz: int, width: int) -> bool:
    """Whether rows of at most `nnz` non-zero features of `width` take the gathered product (1 in 8
    or fewer non-zero) rather than the dense one."""
    return nnz * 8 <= width


def _softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dim, written out: on rows of 11 classes torch's kernel pays a per-row
    cost that makes it 2-2.5x slower (bench.detector_kernels)."""
    e = (logits - logits.amax(-1, keepdim=True)).exp()
    return e / e.sum(-1, keepdim=True)


def _shifted_sum(projected: torch.Tensor, k: int, bias: torch.Tensor) -> torch.Tensor:
    """[N + k - 1, k * O] -> [N, O]: out[t] = bias + sum_j projected[t + j, j] (a 1-D convolution
    whose product is already done)."""
    return _ShiftedSum.apply(projected, bias, k)


class _ShiftedSum(torch.autograd.Function):
    """The shifted sum, added up in place, with a backward that writes the gradient's k shifted
    copies into one tensor: autograd's own, through k slices, zero-filled a whole [N + k - 1, k * O]
    gradient per slice, ~10 % of a probe's training time. Same sums in the same order as
    `bias + y[0] + y[1] + ...`, so training gives the same probes bit for bit."""

    @staticmethod
    def forward(ctx, projected: torch.Tensor, bias: torch.Tensor, k: int) -> torch.Tensor:
        ctx.k = k
        n = projected.shape[0] - (k - 1)
        y = projected.view(projected.shape[0], k, -1)
        out = y[0:n, 0] + bias
        for j in range(1, k):
            out.add_(y[j:j + n, j])
        return out

    @staticmethod
    def backward(ctx, grad_out: torch.Tensor):
        k, n = ctx.k, grad_out.shape[0]
        grad = grad_out.new_empty((n + k - 1, k, grad_out.shape[1]))
        for j in range(k):
            grad[:j, j] = 0
            grad[j:j + n, j] = grad_out
            grad[j + n:, j] = 0
        return grad.view(n + k - 1, -1), grad_out.sum(0), None


def token_probes(probe: TokenProbe | ProbeMixture) -> list[TokenProbe]:
    """The TokenProbes a probe is made of: a mixture's members, or the probe itself."""
    return list(probe.probes) if isinstance(probe, ProbeMixture) else [probe]


@dataclass
class ProbeInfo:
    name: str
    feature: str  # "sae" | "raw"
    context: int
    n_features: int  # inputs per token, token shapes included
    thresholds: dict[str, float]
    file: str
    metrics: dict = field(default_factory=dict)
    shapes: list[str] = field(default_factory=list)  # token shape features read after the model's
    hidden: int = 0  # GELU units of the hidden layer (0: linear probe; files before it had none)
    hidden_context: int = 0
    members: dict[str, float] = field(default_factory=dict)  # a "mix" entry: member probe -> weight


class FusedProbes(TokenProbe):
    """Probes that read the same features, side by side in one probe of their summed width: one
    product and one grouped output convolution instead of one of each per probe (inference only).
    Its output is the weighted mean of the members' class probabilities."""

    def __init__(self, members: list[TokenProbe], weights: list[float]):
        first = members[0]
        if any(not _same_layout(first, p) for p in members[1:]):
            raise ValueError("only probes of one layout (features, context, hidden units, shapes) can be fused")
        with torch.device("meta"):  # the initial weights are replaced below: allocate none
            super().__init__(first.n_features, first.context, n_classes=first.n_classes,
                             feature_index=first.feature_index, n_shapes=first.n_shapes,
                             hidden=first.hidden * len(members), hidden_context=first.hidden_context,
                             shape_features=first.shape_features)
        self.groups = len(members)
        self.register_buffer("group_weights", torch.tensor(weights, dtype=torch.float32, device=first.weight.device)
                             / sum(weights))
        with torch.no_grad():
            self.weight = torch.nn.Parameter(torch.cat([p.weight for p in members]))
            self.bias = torch.nn.Parameter(torch.cat([p.bias for p in members]))
            if first.hidden:
                self.out_weight = torch.nn.Parameter(torch.cat([p.out_weight for p in members]))
                self.out_bias = torch.nn.Parameter(torch.cat([p.out_bias for p in members]))
        self.precision = first.precision
        self.requires_grad_(False)

    @property
    def n_classes(self) -> int:
        return super().n_classes // self.groups

    def probabilities(self, logits: torch.Tensor) -> torch.Tensor:
        per_member = _softmax(logits.view(len(logits), self.groups, -1))
        return torch.einsum("tgc,g->tc", per_member, self.group_weights.to(per_member.dtype))


def _same_layout(a: TokenProbe, b: TokenProbe) -> bool:
    same_index = (a.feature_index is None and b.feature_index is None) or (
        a.feature_index is not None and b.feature_index is not None and torch.equal(a.feature_index, b.feature_index))
    return (a.weight.shape == b.weight.shape and a.hidden == b.hidden and a.hidden_context == b.hidden_context
            and a.shape_features == b.shape_features and same_index)


class ProbeMixture(torch.nn.Module):
    """The weighted mean of member probes' class probabilities, each member reading its own
    features: `forward({"raw": acts, "sae": latents}, shapes)`. The SAE-latent and raw-activation
    probes make different mistakes, so their mean beats either (docs/pii.md); probes of one kind fit
    with several seeds average out each fit's own mistakes. Members that read the same features
    the same way run fused (FusedProbes)."""

    def __init__(self, members: list[tuple[str, TokenProbe, float]], fused: dict | None = None):
        """members: (feature kind, probe, weight). fused: FusedProbes already made from the same
        probes in the same proportions, shared rather than built again (load_probes passes one)."""
        super().__init__()
        if not members or any(w <= 0 for _, _, w in members) or abs(sum(w for _, _, w in members) - 1.0) > 1e-6:
            raise ValueError(f"mixture weights must be positive and sum to 1, got {[w for _, _, w in members]}")
        named = {p.shape_features for _, p, _ in members if p.n_shapes}
        if len(named) > 1:
            raise ValueError(f"mixture members read different token shapes {sorted(named)}: refit them together")
        self.shape_features = named.pop() if named else ()
        self.features, self.weights, probes = [], [], []
        for kind, group in _fusable_groups(members):
            self.features.append(kind)
            self.weights.append(sum(w for _, w in group))
            probes.append(group[0][0] if len(group) == 1 else _fused_group(group, {} if fused is None else fused))
        self.probes = torch.nn.ModuleList(probes)
        self.n_shapes = max(p.n_shapes for p in self.probes)  # compute token shapes if any member reads them

    @property
    def n_classes(self) -> int:
        return self.probes[0].n_classes

    def forward(self, inputs: dict, shapes=None) -> torch.Tensor:
        return self.combine([p(inputs[f], shapes) for f, p in zip(self.features, self.probes)])

    def combine(self, outputs: list[torch.Tensor]) -> torch.Tensor:
        """The weighted mean of the members' class probabilities (in self.probes' order)."""
        return sum(w * o for o, w in zip(outputs, self.weights))


def _fused_group(group: list[tuple[TokenProbe, float]], made: dict) -> FusedProbes:
    total = sum(w for _, w in group)
    key = tuple((id(p), round(w / total, 9)) for p, w in group)
    if key not in made:
        made[key] = FusedProbes([p for p, _ in group], [w for _, w in group])
    return made[key]


def _fusable_groups(members: list[tuple[str, TokenProbe, float]]) -> list[tuple[str, list[tuple[TokenProbe, float]]]]:
    """Members grouped by feature kind and layout, in first-seen order: [(kind, [(probe, weight)])]."""
    groups: list[tuple[str, list[tuple[TokenProbe, float]]]] = []
    for kind, probe, w in members:
        home = next((g for k, g in groups if k == kind and _same_layout(g[0][0], probe)), None)
        if home is None:
            groups.append((kind, [(probe, float(w))]))
        else:
            home.append((probe, float(w)))
    return groups


# ------------------------------------------------------------------------------------------------
# Training features: documents packed into one sequence, `reach` zero rows between documents so
# no probe ever reads across a document boundary.


class PackedFeatures:
    """Rows of all documents, stored densely (raw) or as top-m sparse SAE latents."""

    def __init__(self, dense: torch.Tensor | None, idx: torch.Tensor | None, val: torch.Tensor | None,
                 n_features: int, labels: torch.Tensor, gap: int = 0):
        self.dense, self.idx, self.val = dense, idx, val
        self.gap = gap  # zero rows between documents (and at both ends)
        self.n_features = n_features
        self.labels = labels
        self.scale = torch.ones(n_features)

    def __len__(self) -> int:
        return len(self.labels)

    def to(self, device) -> PackedFeatures:
        """The same rows on `device` (a copy unless they are there already)."""
        def move(t):
            return None if t is None else t.to(device)
        out = PackedFeatures(move(self.dense), move(self.idx), move(self.val), self.n_features, move(self.labels), self.gap)
        out.scale = move(self.scale)
        return out

    def project(self, a: int, b: int, stacked: torch.Tensor, dropout: float = 0.0) -> torch.Tensor:
        """(rows [a, b) / scale) @ stacked; out-of-range rows are zero; `dropout` on the features."""
        return self.project_ranges([(a, b)], stacked, dropout)

    def project_ranges(self, ranges: list[tuple[int, int]], stacked: torch.Tensor, dropout: float = 0.0) -> torch.Tensor:
        """project() of each [a, b) range, concatenated: one product for a whole training batch."""
        n = len(self)
        clipped = [(max(a, 0), min(b, n)) for a, b in ranges]
        if all(lo >= hi for lo, hi in clipped):
            return stacked.new_zeros((sum(b - a for a, b in ranges), stacked.shape[1]))
        if self.dense is not None:
            rows = torch.cat([self.dense[lo:hi] for lo, hi in clipped if lo < hi])
            part = fast_dropout(rows.float() / self.scale, dropout) @ stacked
        else:
            # Sparse rows x dense weights: k multiply-adds per token instead of d_sae. embedding_bag
            # gathers the weight rows of the non-zeros and backpropagates into them (2x faster than
            # torch.sparse.mm here).
            idx = torch.cat([self.idx[lo:hi] for lo, hi in clipped if lo < hi]).long()
            vals = fast_dropout(torch.cat([self.val[lo:hi] for lo, hi in clipped if lo < hi]).float()
                                / self.scale[idx], dropout)
            part = F.embedding_bag(idx, stacked, per_sample_weights=vals, mode="sum")
        if all(lo == a and hi == b for (a, b), (lo, hi) in zip(ranges, clipped)):
            return part
        pieces, pos = [], 0
        for (a, b), (lo, hi) in zip(ranges, clipped):
            real = max(hi - lo, 0)
            before = min(lo, b) - a  # zero rows before the first packed one (a < 0)
            pieces += [part.new_zeros((before, part.shape[1])), part[pos:pos + real],
                       part.new_zeros((b - a - before - real, part.shape[1]))]
            pos += real
        return torch.cat(pieces)

    def fit_scale(self) -> None:
        # Root-mean-square per feature over real rows: puts SAE latents and raw dimensions on one scale.
        if self.dense is not None:
            sq = (self.dense.float() ** 2).sum(0)
        else:
            sq = torch.zeros(self.n_features, device=self.idx.device).index_add_(0, self.idx.flatten().long(),
                                                         (self.val.float() ** 2).flatten())
        n_real = int((self.labels != IGNORE_INDEX).sum().clamp_min(1))
        rms = (sq / n_real).sqrt()
        self.scale = torch.where(rms > 1e-6, rms, torch.ones_like(rms))


def sparse_rows(f: torch.Tensor, keep: int) -> tuple[torch.Tensor, torch.Tensor]:
    """[T, F] features -> the `keep` largest per row as (int32 indices, float16 values)."""
    v, i = f.topk(min(keep, f.shape[1]), dim=-1)
    return i.int(), v.half()


def pack(
    per_doc_feats: list, per_doc_labels: list[np.ndarray], context: int,
    sparse_keep: int | None = None, n_features: int | None = None,
) -> PackedFeatures:
    """Concatenate documents with `context` separator rows (label IGNORE_INDEX) between them.
    Documents come as [T, F] tensors or, for `sparse_keep`, already as sparse_rows() pairs."""
    n_feat = n_features if n_features is not None else (per_doc_feats[0].shape[1] if per_doc_feats else 0)
    lengths = [len(f[0]) if isinstance(f, tuple) else len(f) for f in per_doc_feats]
    total = sum(n + context for n in lengths) + context
    labels = torch.full((total,), IGNORE_INDEX, dtype=torch.long)
    if sparse_keep is None:
        dense = torch.zeros((total, n_feat), dtype=torch.float32)
        idx = val = None
    else:
        dense = None
        idx = torch.zeros((total, sparse_keep), dtype=torch.int32)
        val = torch.zeros((total, sparse_keep), dtype=torch.float16)
    pos = context
    rows = []
    for n, lab in zip(lengths, per_doc_labels):
        rows.append(torch.arange(pos, pos + n))
        labels[pos:pos + n] = torch.as_tensor(lab)
        pos += n + context
    if dense is not None:
        where = torch.cat(rows) if rows else torch.zeros(0, dtype=torch.long)
        dense[where] = torch.cat(per_doc_feats) if per_doc_feats else torch.zeros((0, n_feat))
    else:
        for r, f in zip(rows, per_doc_feats):
            i, v = f if isinstance(f, tuple) else sparse_rows(f, sparse_keep)
            a = int(r[0]) if len(r) else 0
            idx[a:a + len(r), : i.shape[1]] = i
            val[a:a + len(r), : v.shape[1]] = v
    return PackedFeatures(dense, idx, val, n_feat, labels, gap=context)


def select_features(feats: list[torch.Tensor], labels: list[np.ndarray], n_keep: int) -> torch.Tensor:
    """The n_keep features whose class means differ most from the not-PII mean, in units of the
    feature's RMS (max over the PII classes): the probe reads only these (sorted indices)."""
    n_feat = feats[0].shape[1]
    sums = torch.zeros((len(CLASSES), n_feat))
    counts = torch.zeros(len(CLASSES))
    sq = torch.zeros(n_feat)
    n = 0
    for f, lab in zip(feats, labels):
        lab_t = torch.as_tensor(lab)
        ok = lab_t >= 0
        sums.index_add_(0, lab_t[ok], f[ok].float())
        counts += torch.bincount(lab_t[ok], minlength=len(CLASSES)).float()
        sq += (f[ok].float() ** 2).sum(0)
        n += int(ok.sum())
    means = sums / counts.clamp_min(1)[:, None]
    rms = (sq / max(n, 1)).sqrt()
    present = counts[1:] > 0
    score = ((means[1:][present] - means[0]).abs() / (rms + 1e-6)).max(0).values
    return score.topk(min(n_keep, n_feat)).indices.sort().values


def _mean_loss(probe: TokenProbe, packed: PackedFeatures, chunk: int, class_w: torch.Tensor) -> float:
    r, n = probe.reach, len(packed)
    total, count = 0.0, 0
    with torch.no_grad():
        stacked = probe.stacked_weight()
        for a in range(0, n, chunk):
            e = min(a + chunk, n)
            y = packed.labels[a:e]
            if (y >= 0).any():
                loss = F.cross_entropy(probe.head(probe.combine(packed.project(a - r, e + r, stacked))), y, weight=class_w,
                                       ignore_index=IGNORE_INDEX, reduction="sum")
                total += float(loss)
                count += float(class_w[y[y >= 0]].sum())
    return total / max(count, 1e-9)


def train_probe(packed: PackedFeatures, cfg: ProbeTrainConfig, log=print,
                val: PackedFeatures | None = None, n_shapes: int = 0, device=None) -> TokenProbe:
    """Full-softmax classifier (logistic regression, or with a hidden layer) with class weights
    (inverse sqrt frequency), AdamW, an L2 penalty and feature dropout; with `val`
    (template-disjoint documents) the epoch with the best validation loss is kept and training
    stops early when it stops improving. `packed` (and `val`) must separate documents by at least
    cfg.reach rows: pack(..., cfg.reach). `device`: where to train (the rows are copied there);
    the probe comes back on the CPU."""
    for p in (packed, val):
        if p is not None and p.gap < cfg.reach:
            raise ValueError(f"documents are packed {p.gap} rows apart but the probe reads {cfg.reach} "
                             f"tokens each side: pack(..., context={cfg.reach})")
    device = torch.device(device or "cpu")
    packed = packed.to(device)
    val = val.to(device) if val is not None else None
    torch.manual_seed(cfg.seed)
    packed.fit_scale()
    r = cfg.reach
    probe = TokenProbe(packed.n_features, cfg.context, n_shapes=n_shapes, hidden=cfg.hidden,
                       hidden_context=cfg.hidden_context).to(device)
    lr, weight_decay = cfg.optimizer_settings()
    counts = torch.bincount(packed.labels[packed.labels >= 0], minlength=len(CLASSES)).float()
    class_w = (counts.sum() / counts.clamp_min(1)).sqrt()
    class_w = class_w / class_w[0]
    # The first layer's weight is trained in the layout its product reads ([F, K * O], the same
    # numbers): laying out the [O, F, K] parameter and its gradient anew every step copied ~16 MB per
    # step for an SAE probe. AdamW works element by element, so the updates are the same.
    stacked = torch.nn.Parameter(probe.stacked_weight().detach().clone())
    trained = [stacked] + [t for name, t in probe.named_parameters() if name != "weight"]
    # fused: one kernel per step instead of a dozen passes over the weights (same maths within 2e-7).
    opt = torch.optim.AdamW(trained, lr=lr, weight_decay=weight_decay, fused=True)
    n = len(packed)
    starts = list(range(0, n, cfg.chunk_tokens))
    steps_total = cfg.epochs * math.ceil(len(starts) / cfg.batch_chunks)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=max(steps_total, 1),
                                                pct_start=0.1)
    gen = torch.Generator().manual_seed(cfg.seed)
    best_loss, best_epoch, best_state = float("inf"), -1, None
    for epoch in range(cfg.epochs):
        order = torch.randperm(len(starts), generator=gen).tolist()
        total_loss, n_batches = 0.0, 0
        for b in range(0, len(order), cfg.batch_chunks):
            # The batch's chunks, each with its `reach` halo rows, go through the probe as one
            # sequence (one product, one convolution); the logits that read across the seam of two
            # chunks are dropped.
            chunks = [(starts[j], min(starts[j] + cfg.chunk_tokens, n)) for j in order[b:b + cfg.batch_chunks]]
            projected = packed.project_ranges([(a - r, e + r) for a, e in chunks], stacked, cfg.feature_dropout)
            logits = probe.head(probe.combine(projected), cfg.hidden_dropout)
            kept, targets, pos = [], [], 0
            for a, e in chunks:
                kept.append(logits[pos:pos + e - a])
                targets.append(packed.labels[a:e])
                pos += e - a + 2 * r
            loss = F.cross_entropy(torch.cat(kept), torch.cat(targets), weight=class_w, ignore_index=IGNORE_INDEX)
            if cfg.l2:
                loss = loss + cfg.l2 * stacked.pow(2).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total_loss += float(loss.detach())
            n_batches += 1
        probe.unstack_weight(stacked)
        msg = f"  epoch {epoch + 1}/{cfg.epochs}: loss {total_loss / max(n_batches, 1):.4f}"
        if val is not None:
            val.scale = packed.scale
            v = _mean_loss(probe, val, cfg.chunk_tokens, class_w)
            log(msg + f", validation loss {v:.4f}")
            if v < best_loss:
                best_loss, best_epoch = v, epoch
                best_state = {k: t.detach().clone() for k, t in probe.state_dict().items()}
            elif epoch - best_epoch >= cfg.patience:
                log(f"  early stop: best validation loss at epoch {best_epoch + 1}")
                break
        elif (epoch + 1) % max(cfg.epochs // 4, 1) == 0 or epoch == cfg.epochs - 1:
            log(msg)
    if best_state is not None:
        probe.load_state_dict(best_state)
    # Fold the feature scale into the weights: the saved probe reads unscaled features.
    with torch.no_grad():
        probe.weight.div_(packed.scale[None, :, None])
    return probe.cpu()


# ------------------------------------------------------------------------------------------------
# Files


def _atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def save_probes(out_dir: str | os.PathLike, probes: dict[str, tuple[TokenProbe, ProbeInfo]], extra: dict) -> Path:
    """Write every probe's safetensors file, then probes.json last (its presence means complete)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    infos = {}
    for name, (probe, info) in probes.items():
        if info.feature == MIX:  # no tensors of its own
            infos[name] = asdict(info)
            continue
        target = out / info.file
        tmp = out / f".{info.file}.tmp"
        tensors = {"weight": probe.weight.detach().contiguous(), "bias": probe.bias.detach().contiguous()}
        if probe.hidden:
            tensors["out_weight"] = probe.out_weight.detach().contiguous()
            tensors["out_bias"] = probe.out_bias.detach().contiguous()
        if probe.feature_index is not None:
            tensors["feature_index"] = probe.feature_index.to(torch.int64).contiguous()
        save_file(tensors,
                  str(tmp), metadata={"feature": info.feature, "context": str(info.context)})
        os.replace(tmp, target)
        infos[name] = asdict(info)
    payload = {"format_version": FORMAT_VERSION, "classes": list(CLASSES), "probes": infos, **extra}
    _atomic_write_text(out / PROBES_JSON, json.dumps(payload, indent=2) + "\n")
    return out


def load_probes(probe_dir: str | os.PathLike, device="cpu") -> tuple[dict, dict[str, tuple[TokenProbe, ProbeInfo]]]:
    d = Path(probe_dir)
    meta_path = d / PROBES_JSON
    if not meta_path.is_file():
        raise FileNotFoundError(
            f"{meta_path} not found: fit the probes first with `sae-pii fit-probes --model-dir {d.parent}`"
        )
    meta = json.loads(meta_path.read_text())
    if meta.get("format_version") not in READABLE_FORMAT_VERSIONS:
        raise ValueError(f"{meta_path}: probe format {meta.get('format_version')!r}, this version reads "
                         f"{' and '.join(map(str, READABLE_FORMAT_VERSIONS))}: refit with `sae-pii fit-probes`")
    if list(meta.get("classes", [])) != list(CLASSES):
        raise ValueError(f"{meta_path}: classes {meta.get('classes')} differ from this version's {list(CLASSES)}")
    out = {}
    mixes = []
    for name, raw in meta["probes"].items():
        info = ProbeInfo(**raw)
        missing = set(LABELS) - set(info.thresholds)
        if missing:
            raise ValueError(f"{meta_path}: probe {name!r} lacks thresholds for {sorted(missing)}")
        if info.feature == MIX:
            mixes.append((name, info))
            continue
        if info.feature not in FEATURE_KINDS:
            raise ValueError(f"{meta_path}: probe {name!r} has unknown feature kind {info.feature!r}")
        tensors = load_file(str(d / info.file), device=str(device))
        n_first = info.hidden or len(CLASSES)
        expected = {"weight": (n_first, info.n_features, 2 * info.context + 1), "bias": (n_first,)}
        if info.hidden:
            expected.update(out_weight=(len(CLASSES), info.hidden, 2 * info.hidden_context + 1),
                            out_bias=(len(CLASSES),))
        for key, shape in expected.items():
            got = tuple(tensors[key].shape) if key in tensors else None
            if got != shape:
                raise ValueError(f"{d / info.file}: {key} {got} does not match {PROBES_JSON} (expected {shape})")
        unknown_shapes = [s for s in info.shapes if s not in SHAPE_FEATURES]
        if unknown_shapes:
            raise ValueError(f"{meta_path}: probe {name!r} reads token shapes {unknown_shapes} this version does "
                             f"not compute (it computes {list(SHAPE_FEATURES)}): refit with `sae-pii fit-probes`")
        n_model = info.n_features - len(info.shapes)
        index = tensors.get("feature_index")
        if index is not None and (index.ndim != 1 or len(index) != n_model):
            raise ValueError(f"{d / info.file}: feature_index has shape {tuple(index.shape)}, expected ({n_model},)")
        probe = TokenProbe(info.n_features, info.context, feature_index=index, n_shapes=len(info.shapes),
                           hidden=info.hidden, hidden_context=info.hidden_context, shape_features=tuple(info.shapes))
        with torch.no_grad():
            for key in expected:
                getattr(probe, key).copy_(tensors[key])
        probe.eval().requires_grad_(False)
        out[name] = (probe.to(device), info)
    fused: dict = {}  # "sae", "raw" and "mix" of a run with several seeds share their fused probes
    for name, info in mixes:  # after the probes they name
        unknown = [m for m in info.members if m not in out]
        if unknown or not info.members:
            raise ValueError(f"{meta_path}: mixture {name!r} names probes {unknown or '(none)'} that are not in "
                             f"the file: refit with `sae-pii fit-probes`")
        members = [(out[m][1].feature, out[m][0], w) for m, w in info.members.items()]
        out[name] = (ProbeMixture(members, fused).eval(), info)
    return meta, out
