"""Token classifiers on SAE latents (or, as the baseline, on raw activations).

One linear softmax layer over {O, PERSON, EMAIL_ADDRESS, ...} reading the features of a token and
of its `context` neighbours on each side: logits[t] = b + sum_o W_o . f[t + o]. That is a 1-D
convolution over the token sequence, i.e. multinomial logistic regression on the concatenated
neighbourhood features. A token's features are the model's (SAE latents or raw activations) and,
when the probe was fit with them, the orthographic token shapes of `shapes.py` appended after.
Per-label decision thresholds are chosen afterwards on validation data.

Files (never pickle: loading a pickle runs code): `<name>.safetensors` holds `weight`
[n_classes, n_features, 2*context+1] and `bias` [n_classes] with the feature scaling folded in;
`probes.json` holds everything else (classes, context, thresholds, feature kind, metrics).
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
from sae_pii.pii.shapes import SHAPE_FEATURES

PROBES_JSON = "probes.json"
FORMAT_VERSION = 1
FEATURE_KINDS = ("sae", "raw")


@dataclass
class ProbeTrainConfig:
    context: int = 3
    epochs: int = 8
    lr: float = 1e-2
    weight_decay: float = 1e-3
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
    seed: int = 0


class LinearProbe(torch.nn.Module):
    def __init__(self, n_features: int, context: int, n_classes: int = len(CLASSES),
                 feature_index: torch.Tensor | None = None, n_shapes: int = 0):
        super().__init__()
        self.context = context
        self.n_shapes = n_shapes  # the last n_shapes of the n_features inputs are token shapes
        self.weight = torch.nn.Parameter(torch.zeros(n_classes, n_features, 2 * context + 1))
        self.bias = torch.nn.Parameter(torch.zeros(n_classes))
        # Which input features the probe reads (selected SAE latents); None: all of them.
        self.register_buffer("feature_index", feature_index, persistent=False)

    @property
    def n_features(self) -> int:
        return self.weight.shape[1]

    def stacked_weight(self) -> torch.Tensor:
        """[F, K * C]: one matmul projects every feature row onto every (offset, class) pair."""
        f, k = self.weight.shape[1], self.weight.shape[2]
        return self.weight.permute(1, 2, 0).reshape(f, -1) if k else self.weight.new_zeros(f, 0)

    def combine(self, projected: torch.Tensor) -> torch.Tensor:
        """[N + 2c, K * C] projections (c halo rows each side) -> [N, C] logits:
        logits[t] = b + sum_k W[:, :, k] . f[t + k], i.e. a 1-D convolution over tokens."""
        k = 2 * self.context + 1
        n = projected.shape[0] - 2 * self.context
        y = projected.view(projected.shape[0], k, -1)
        out = self.bias.expand(n, -1)
        for j in range(k):
            out = out + y[j:j + n, j]
        return out

    def logits_padded(self, feats: torch.Tensor) -> torch.Tensor:
        """[N + 2c, F] features (c halo rows each side) -> [N, C] logits."""
        return self.combine(feats @ self.stacked_weight())

    def forward(self, feats: torch.Tensor, shapes: torch.Tensor | np.ndarray | None = None) -> torch.Tensor:
        """[T, F] features of one document (and its [T, n_shapes] token shapes when the probe reads
        them) -> [T, C] class probabilities (zero features past the edges)."""
        c = self.context
        if self.feature_index is not None:
            feats = feats[:, self.feature_index]
        if self.n_shapes:
            if shapes is None:
                raise ValueError("this probe also reads token shapes: pass shapes=token_shapes(text, offsets)")
            feats = torch.cat([feats, torch.as_tensor(shapes).to(feats)], 1)
        padded = F.pad(feats, (0, 0, c, c))
        return self.logits_padded(padded).softmax(-1)


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


# ------------------------------------------------------------------------------------------------
# Training features: documents packed into one sequence, `context` zero rows between documents so
# no probe ever reads across a document boundary.


class PackedFeatures:
    """Rows of all documents, stored densely (raw) or as top-m sparse SAE latents."""

    def __init__(self, dense: torch.Tensor | None, idx: torch.Tensor | None, val: torch.Tensor | None,
                 n_features: int, labels: torch.Tensor):
        self.dense, self.idx, self.val = dense, idx, val
        self.n_features = n_features
        self.labels = labels
        self.scale = torch.ones(n_features)

    def __len__(self) -> int:
        return len(self.labels)

    def project(self, a: int, b: int, stacked: torch.Tensor, dropout: float = 0.0) -> torch.Tensor:
        """(rows [a, b) / scale) @ stacked; out-of-range rows are zero; `dropout` on the features."""
        n = len(self)
        out = stacked.new_zeros((b - a, stacked.shape[1]))
        lo, hi = max(a, 0), min(b, n)
        if lo >= hi:
            return out
        if self.dense is not None:
            part = F.dropout(self.dense[lo:hi].float() / self.scale, dropout, training=dropout > 0) @ stacked
        else:
            # Sparse rows x dense weights: k multiply-adds per token instead of d_sae (torch.sparse.mm
            # backpropagates into the dense weights).
            idx = self.idx[lo:hi].long()
            rows = torch.arange(hi - lo).repeat_interleave(idx.shape[1])
            vals = F.dropout((self.val[lo:hi].float() / self.scale[idx]).flatten(), dropout, training=dropout > 0)
            sparse = torch.sparse_coo_tensor(torch.stack([rows, idx.flatten()]), vals, (hi - lo, self.n_features),
                                             check_invariants=False)
            part = torch.sparse.mm(sparse, stacked)
        return torch.cat([out[: lo - a], part, out[hi - a:]]) if (lo > a or hi < b) else part

    def fit_scale(self) -> None:
        # Root-mean-square per feature over real rows: puts SAE latents and raw dimensions on one scale.
        if self.dense is not None:
            sq = (self.dense.float() ** 2).sum(0)
        else:
            sq = torch.zeros(self.n_features).index_add_(0, self.idx.flatten().long(),
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
    return PackedFeatures(dense, idx, val, n_feat, labels)


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


def _mean_loss(probe: LinearProbe, packed: PackedFeatures, chunk: int, class_w: torch.Tensor) -> float:
    c, n = probe.context, len(packed)
    total, count = 0.0, 0
    with torch.no_grad():
        stacked = probe.stacked_weight()
        for a in range(0, n, chunk):
            e = min(a + chunk, n)
            y = packed.labels[a:e]
            if (y >= 0).any():
                loss = F.cross_entropy(probe.combine(packed.project(a - c, e + c, stacked)), y, weight=class_w,
                                       ignore_index=IGNORE_INDEX, reduction="sum")
                total += float(loss)
                count += float(class_w[y[y >= 0]].sum())
    return total / max(count, 1e-9)


def train_probe(packed: PackedFeatures, cfg: ProbeTrainConfig, log=print,
                val: PackedFeatures | None = None, n_shapes: int = 0) -> LinearProbe:
    """Full-softmax logistic regression with class weights (inverse sqrt frequency), AdamW, an L2
    penalty and feature dropout; with `val` (template-disjoint documents) the epoch with the best
    validation loss is kept and training stops early when it stops improving."""
    torch.manual_seed(cfg.seed)
    packed.fit_scale()
    c = cfg.context
    probe = LinearProbe(packed.n_features, c, n_shapes=n_shapes)
    counts = torch.bincount(packed.labels[packed.labels >= 0], minlength=len(CLASSES)).float()
    class_w = (counts.sum() / counts.clamp_min(1)).sqrt()
    class_w = class_w / class_w[0]
    opt = torch.optim.AdamW(probe.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    n = len(packed)
    starts = list(range(0, n, cfg.chunk_tokens))
    steps_total = cfg.epochs * math.ceil(len(starts) / cfg.batch_chunks)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=max(steps_total, 1),
                                                pct_start=0.1)
    gen = torch.Generator().manual_seed(cfg.seed)
    best_loss, best_epoch, best_state = float("inf"), -1, None
    for epoch in range(cfg.epochs):
        order = torch.randperm(len(starts), generator=gen).tolist()
        total_loss, n_batches = 0.0, 0
        for b in range(0, len(order), cfg.batch_chunks):
            stacked = probe.stacked_weight()
            logits, targets = [], []
            for j in order[b:b + cfg.batch_chunks]:
                a = starts[j]
                e = min(a + cfg.chunk_tokens, n)
                logits.append(probe.combine(packed.project(a - c, e + c, stacked, cfg.feature_dropout)))
                targets.append(packed.labels[a:e])
            loss = F.cross_entropy(torch.cat(logits), torch.cat(targets), weight=class_w, ignore_index=IGNORE_INDEX)
            if cfg.l2:
                loss = loss + cfg.l2 * probe.weight.pow(2).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total_loss += float(loss.detach())
            n_batches += 1
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
    return probe


# ------------------------------------------------------------------------------------------------
# Files


def _atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def save_probes(out_dir: str | os.PathLike, probes: dict[str, tuple[LinearProbe, ProbeInfo]], extra: dict) -> Path:
    """Write every probe's safetensors file, then probes.json last (its presence means complete)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    infos = {}
    for name, (probe, info) in probes.items():
        target = out / info.file
        tmp = out / f".{info.file}.tmp"
        tensors = {"weight": probe.weight.detach().contiguous(), "bias": probe.bias.detach().contiguous()}
        if probe.feature_index is not None:
            tensors["feature_index"] = probe.feature_index.to(torch.int64).contiguous()
        save_file(tensors,
                  str(tmp), metadata={"feature": info.feature, "context": str(info.context)})
        os.replace(tmp, target)
        infos[name] = asdict(info)
    payload = {"format_version": FORMAT_VERSION, "classes": list(CLASSES), "probes": infos, **extra}
    _atomic_write_text(out / PROBES_JSON, json.dumps(payload, indent=2) + "\n")
    return out


def load_probes(probe_dir: str | os.PathLike, device="cpu") -> tuple[dict, dict[str, tuple[LinearProbe, ProbeInfo]]]:
    d = Path(probe_dir)
    meta_path = d / PROBES_JSON
    if not meta_path.is_file():
        raise FileNotFoundError(
            f"{meta_path} not found: fit the probes first with `sae-pii fit-probes --model-dir {d.parent}`"
        )
    meta = json.loads(meta_path.read_text())
    if meta.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"{meta_path}: probe format {meta.get('format_version')!r}, this version reads {FORMAT_VERSION}")
    if list(meta.get("classes", [])) != list(CLASSES):
        raise ValueError(f"{meta_path}: classes {meta.get('classes')} differ from this version's {list(CLASSES)}")
    out = {}
    for name, raw in meta["probes"].items():
        info = ProbeInfo(**raw)
        if info.feature not in FEATURE_KINDS:
            raise ValueError(f"{meta_path}: probe {name!r} has unknown feature kind {info.feature!r}")
        tensors = load_file(str(d / info.file), device=str(device))
        w, b = tensors["weight"], tensors["bias"]
        if w.shape != (len(CLASSES), info.n_features, 2 * info.context + 1) or b.shape != (len(CLASSES),):
            raise ValueError(f"{d / info.file}: weight {tuple(w.shape)} does not match {PROBES_JSON}")
        if info.shapes and list(info.shapes) != list(SHAPE_FEATURES):
            raise ValueError(f"{meta_path}: probe {name!r} reads token shapes {info.shapes}, this version computes "
                             f"{list(SHAPE_FEATURES)}: refit with `sae-pii fit-probes`")
        n_model = info.n_features - len(info.shapes)
        index = tensors.get("feature_index")
        if index is not None and (index.ndim != 1 or len(index) != n_model):
            raise ValueError(f"{d / info.file}: feature_index has shape {tuple(index.shape)}, expected ({n_model},)")
        probe = LinearProbe(info.n_features, info.context, feature_index=index, n_shapes=len(info.shapes))
        with torch.no_grad():
            probe.weight.copy_(w)
            probe.bias.copy_(b)
        probe.eval().requires_grad_(False)
        missing = set(LABELS) - set(info.thresholds)
        if missing:
            raise ValueError(f"{meta_path}: probe {name!r} lacks thresholds for {sorted(missing)}")
        out[name] = (probe.to(device), info)
    return meta, out
