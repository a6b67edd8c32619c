"""Probe files (safetensors + JSON, no pickle), the detector API end to end on a tiny model, bad
input, long input, redaction, and the CLI."""

from __future__ import annotations

import itertools
import json
import shutil

import numpy as np
import pytest
import torch
from sae_pii.pii.detector import SAEPIIDetector, redact_spans
from sae_pii.pii.labels import CLASSES, LABELS
from sae_pii.pii.probes import ProbeInfo, TokenProbe, load_probes, save_probes
from sae_pii.pii.spans import PIISpan
from safetensors.torch import load_file
from typer.testing import CliRunner

TEXT = "Hi Dana, call me at (415) 555-0134 or write to dana.k@example.com. SSN 536-22-8145."


SIX_SHAPES = ["title", "upper", "lower", "digit", "line_start", "sentence_start"]  # probe files before the lexicon

def test_probe_file_roundtrip(tmp_path):
    torch.manual_seed(0)
    probe = TokenProbe(n_features=7, context=2)
    with torch.no_grad():
        probe.weight.normal_()
        probe.bias.normal_()
    info = ProbeInfo(name="sae", feature="sae", context=2, n_features=7, thresholds={lab: 0.4 for lab in LABELS},
                     file="sae.safetensors")
    save_probes(tmp_path, {"sae": (probe, info)}, {"model_name": "m", "hook_layer": 1})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["probes.json", "sae.safetensors"]
    meta, loaded = load_probes(tmp_path)
    assert meta["classes"] == list(CLASSES) and meta["hook_layer"] == 1
    back, back_info = loaded["sae"]
    torch.testing.assert_close(back.weight, probe.weight)
    assert back_info == info
    feats = torch.randn(5, 7)
    torch.testing.assert_close(back(feats), probe(feats))
    assert set(load_file(str(tmp_path / "sae.safetensors"))) == {"weight", "bias"}
    # Files written before the hidden layer existed have no hidden fields: they load as linear probes.
    meta = json.loads((tmp_path / "probes.json").read_text())
    del meta["probes"]["sae"]["hidden"], meta["probes"]["sae"]["hidden_context"]
    (tmp_path / "probes.json").write_text(json.dumps(meta))
    old, _ = load_probes(tmp_path)[1]["sae"]
    assert old.hidden == 0
    torch.testing.assert_close(old(feats), probe(feats))


def test_selected_features_roundtrip(tmp_path):
    import numpy as np
    from sae_pii.pii.probes import select_features

    torch.manual_seed(0)
    feats = [torch.rand(20, 10) * 0.1 for _ in range(5)]
    labels = [np.zeros(20, dtype=np.int64) for _ in range(5)]
    for f, lab in zip(feats, labels):
        lab[:5] = 1
        f[:5, 7] += 3.0  # feature 7 fires on PERSON tokens only
    index = select_features(feats, labels, 3)
    assert 7 in index.tolist() and index.tolist() == sorted(index.tolist())
    probe = TokenProbe(n_features=3, context=1, feature_index=index)
    with torch.no_grad():
        probe.weight.normal_()
    info = ProbeInfo(name="sae", feature="sae", context=1, n_features=3, thresholds={lab: 0.5 for lab in LABELS},
                     file="sae.safetensors")
    save_probes(tmp_path, {"sae": (probe, info)}, {})
    back = load_probes(tmp_path)[1]["sae"][0]
    assert back.feature_index.tolist() == index.tolist()
    full = torch.randn(4, 10)
    torch.testing.assert_close(back(full), probe(full))


def test_hidden_layer_probe_roundtrip(tmp_path):
    torch.manual_seed(0)
    probe = TokenProbe(n_features=5, context=2, hidden=8, hidden_context=1)
    with torch.no_grad():
        probe.bias.normal_()
        probe.out_bias.normal_()
    info = ProbeInfo(name="raw", feature="raw", context=2, n_features=5, thresholds={lab: 0.5 for lab in LABELS},
                     file="raw.safetensors", hidden=8, hidden_context=1)
    save_probes(tmp_path, {"raw": (probe, info)}, {})
    assert set(load_file(str(tmp_path / "raw.safetensors"))) == {"weight", "bias", "out_weight", "out_bias"}
    back, back_info = load_probes(tmp_path)[1]["raw"]
    assert back_info == info and back.reach == 3 and back.n_classes == len(CLASSES)
    feats = torch.randn(6, 5)
    torch.testing.assert_close(back(feats), probe(feats))
    # The output layer reads its neighbours' hidden units: token 5 changes the labels of 2..5 only.
    moved = feats.clone()
    moved[5] += 3.0
    changed = (back(moved) - back(feats)).abs().sum(-1) > 1e-6
    assert changed.tolist() == [False, False, True, True, True, True]


def test_sparse_features_take_the_gather_path_with_the_same_result():
    """SAE latents (k non-zeros of d_sae per token) are projected by gathering weight rows; the
    result equals the dense product, and a weight update is seen by the cached stacked weights."""
    torch.manual_seed(0)
    probe = TokenProbe(n_features=64, context=1, hidden=6, hidden_context=1).eval()
    feats = torch.zeros(7, 64)
    feats[torch.arange(7)[:, None], torch.randint(0, 64, (7, 4))] = torch.randn(7, 4)
    with torch.no_grad():
        torch.testing.assert_close(probe.project(feats), feats @ probe.stacked_weight())
        before = probe(feats)
        probe.weight.mul_(2.0)
        torch.testing.assert_close(probe.project(feats), feats @ probe.stacked_weight())
        assert not torch.allclose(probe(feats), before)


def test_a_probes_dense_product_runs_in_bfloat16_when_asked_and_never_while_training():
    torch.manual_seed(0)
    probe = TokenProbe(n_features=48, context=1, hidden=6, hidden_context=1).eval()
    feats = torch.randn(9, 48)  # dense: the product, not the gather
    exact = feats @ probe.stacked_weight().detach()
    probe.precision = "bfloat16"
    with torch.no_grad():
        low = probe.project(feats)
    assert low.dtype is torch.float32 and not torch.equal(low, exact)
    torch.testing.assert_close(low, exact, rtol=0.05, atol=0.05)
    torch.testing.assert_close(probe.project(feats), exact)  # autograd on: the weights' own dtype


def test_probe_reads_a_topk_saes_active_latents_like_the_dense_latents():
    """detect() hands the SAE probe encode_topk()'s (values, indices) instead of d_sae dense
    columns; the probabilities are the same, with token shapes and with selected latents."""
    from sae_pii.sae import SAEConfig, SparseAutoencoder

    torch.manual_seed(0)
    sae = SparseAutoencoder(SAEConfig(d_in=16, d_sae=64, k=4)).eval()
    x, shapes = torch.randn(9, 16), torch.randint(0, 2, (9, 2)).float()
    with torch.no_grad():
        for probe in (TokenProbe(64 + 2, context=1, n_shapes=2, hidden=5, hidden_context=1),
                      TokenProbe(10 + 2, context=1, n_shapes=2, feature_index=torch.arange(0, 64, 7)[:10])):
            probe.weight.normal_()
            dense = probe(sae.encode(x), shapes)
            torch.testing.assert_close(probe(sae.encode_topk(x), shapes), dense)
    assert SparseAutoencoder(SAEConfig(d_in=16, d_sae=64, architecture="relu")).encode_topk(x) is None


def test_sparse_packing_projects_like_dense_packing():
    """TopK latents packed as (index, value) pairs give the same projections, scaled, as the same
    rows packed densely, and the same gradient into the weights."""
    import numpy as np
    from sae_pii.pii.probes import pack

    torch.manual_seed(0)
    feats = []
    for n in (5, 3):
        f = torch.zeros(n, 20)
        f[torch.arange(n)[:, None], torch.randint(0, 20, (n, 3))] = torch.rand(n, 3) + 0.5
        feats.append(f)
    labels = [np.zeros(len(f), dtype=np.int64) for f in feats]
    dense, sparse = pack(feats, labels, 2), pack(feats, labels, 2, sparse_keep=4)
    dense.fit_scale()
    sparse.fit_scale()
    close = {"rtol": 2e-3, "atol": 2e-3}  # the sparse values are stored as float16
    torch.testing.assert_close(sparse.scale, dense.scale, **close)
    grads = []
    for packed in (dense, sparse):
        w = torch.randn(20, 6, generator=torch.Generator().manual_seed(1), requires_grad=True)
        out = packed.project(-1, len(packed) + 1, w)
        out.pow(2).sum().backward()
        grads.append((out.detach(), w.grad))
    torch.testing.assert_close(grads[0][0], grads[1][0], **close)
    torch.testing.assert_close(grads[0][1], grads[1][1], **close)


def test_a_batch_of_row_ranges_projects_like_each_range_alone():
    """Training projects a batch's chunks (each with its halo rows, past either end of the packed
    rows too) in one product: the result must be each range's own projection, in order."""
    import numpy as np
    from sae_pii.pii.probes import pack

    torch.manual_seed(0)
    feats = [torch.zeros(n, 20).scatter_(1, torch.randint(0, 20, (n, 3)), torch.rand(n, 3) + 0.5) for n in (6, 4, 7)]
    labels = [np.zeros(len(f), dtype=np.int64) for f in feats]
    w = torch.randn(20, 6, generator=torch.Generator().manual_seed(1))
    for packed in (pack(feats, labels, 2), pack(feats, labels, 2, sparse_keep=4)):
        packed.fit_scale()
        n = len(packed)
        ranges = [(-3, 5), (7, 12), (n - 4, n + 3), (n + 1, n + 4), (-6, -2)]
        together = packed.project_ranges(ranges, w)
        assert torch.equal(together, torch.cat([packed.project(a, b, w) for a, b in ranges]))
        assert together.shape == (sum(b - a for a, b in ranges), 6)
        assert together[:3].abs().sum() == 0 and together[3:8].abs().sum() > 0  # rows before the first are zero


def test_topk_sae_rows_are_packed_with_no_more_entries_than_they_can_hold(tiny_run_dir, tiny_lm):
    """A TopK SAE's training rows keep k latents plus the token shapes per token (no zero padding up
    to cfg.sparse_keep), and every latent that fired is kept."""
    from sae_pii.pii import features as feat
    from sae_pii.pii.align import token_labels
    from sae_pii.pii.fit import pack_training_features, sae_features, training_shapes
    from sae_pii.pii.probes import ProbeTrainConfig
    from sae_pii.pii.synth import generate
    from sae_pii.sae import SparseAutoencoder

    sae = SparseAutoencoder.from_pretrained(tiny_run_dir)
    docs = list(generate(4, "train", 3))
    toks = [feat.tokenize(tiny_lm.tokenizer, d.text) for d in docs]
    acts = feat.doc_activations(tiny_lm, toks)
    labels = [token_labels(t.offsets, d.spans, d.ignore) for t, d in zip(toks, docs)]
    cfg = ProbeTrainConfig(context=1)
    packed, index, n_model = pack_training_features("sae", sae, acts, training_shapes(docs, toks, cfg), labels, cfg)
    assert index is None and n_model == sae.cfg.d_sae
    assert packed.idx.shape[1] == sae.cfg.k + len(cfg.shape_features) < cfg.sparse_keep
    fired = sum(int((f != 0).sum()) for f in sae_features(sae, acts))
    kept_latents = int(((packed.val != 0) & (packed.idx < sae.cfg.d_sae)).sum())
    assert kept_latents == fired > 0


def test_latents_computed_once_rebuild_the_rows_the_encoder_gives(tiny_run_dir, tiny_lm):
    """fit-probes encodes the training activations once and every seed rebuilds its dense rows from
    the k active latents: the rows (and so the packed training rows) must be those of sae_features."""
    from sae_pii.pii import features as feat
    from sae_pii.pii.align import token_labels
    from sae_pii.pii.fit import (
        latents_dense,
        pack_training_features,
        sae_active_latents,
        sae_features,
        training_shapes,
        with_shapes,
    )
    from sae_pii.pii.probes import ProbeTrainConfig, pack, sparse_rows
    from sae_pii.pii.synth import generate
    from sae_pii.sae import SparseAutoencoder

    sae = SparseAutoencoder.from_pretrained(tiny_run_dir)
    docs = list(generate(4, "train", 5))
    toks = [feat.tokenize(tiny_lm.tokenizer, d.text) for d in docs]
    acts = feat.doc_activations(tiny_lm, toks) + [torch.zeros((0, sae.cfg.d_in))]  # an empty document too
    latents = sae_active_latents(sae, acts)
    for lat, dense in zip(latents, sae_features(sae, acts)):
        assert torch.equal(latents_dense(lat, sae.cfg.d_sae), dense)
    assert sum(int((v != 0).sum()) for v, _ in latents) > 0
    labels = [token_labels(t.offsets, d.spans, d.ignore) for t, d in zip(toks, docs)] + [np.zeros(0, np.int64)]
    cfg = ProbeTrainConfig(context=1)
    shapes = training_shapes(docs, toks, cfg) + [np.zeros((0, len(cfg.shape_features)), np.float32)]
    given, _, _ = pack_training_features("sae", sae, acts, shapes, labels, cfg, latents)
    # the rows as they were packed before the latents were kept: from the encoder's dense output
    keep = sae.cfg.k + len(cfg.shape_features)
    dense = [sparse_rows(with_shapes(f, sh), keep) for f, sh in zip(sae_features(sae, acts), shapes)]
    expected = pack(dense, labels, cfg.reach, sparse_keep=keep, n_features=sae.cfg.d_sae + len(cfg.shape_features))
    assert torch.equal(given.idx, expected.idx) and torch.equal(given.val, expected.val)


def test_hidden_layer_learns_what_a_linear_probe_cannot():
    """PERSON iff exactly one of two features fires (XOR): no linear read separates it."""
    import numpy as np
    from sae_pii.pii.probes import ProbeTrainConfig, pack, train_probe

    g = torch.Generator().manual_seed(0)
    feats = [torch.randint(0, 2, (40, 2), generator=g).float() for _ in range(30)]
    labels = [(f[:, 0] != f[:, 1]).long().numpy().astype(np.int64) for f in feats]
    accuracy = {}
    for hidden in (0, 16):
        cfg = ProbeTrainConfig(context=0, hidden=hidden, hidden_context=0, epochs=60, lr=0.03, chunk_tokens=256,
                               feature_dropout=0.0, hidden_dropout=0.0)
        probe = train_probe(pack(feats, labels, cfg.reach), cfg, log=lambda *_: None)
        pred = torch.cat([probe(f).argmax(-1) for f in feats])
        accuracy[hidden] = float((pred == torch.as_tensor(np.concatenate(labels))).float().mean())
    assert accuracy[16] > 0.99 and accuracy[0] < 0.8, accuracy


def test_training_on_a_named_device_copies_the_rows_and_returns_a_cpu_probe():
    """fit-probes trains where the LM runs (train_probe(device=...)): the packed rows travel as a
    copy (the caller's stay unscaled), and the probe comes back on the CPU, as it would have been
    trained there. (The CUDA run itself: docs/bench.md, GPU check.)"""
    from sae_pii.pii.probes import ProbeTrainConfig, pack, train_probe

    g = torch.Generator().manual_seed(1)
    feats = [torch.randn(30, 5, generator=g) * 4 for _ in range(6)]
    labels = [(f[:, 0] > 0).long().numpy() for f in feats]
    cfg = ProbeTrainConfig(context=1, hidden=4, hidden_context=1, epochs=2, chunk_tokens=64)
    packed = pack(feats, labels, cfg.reach)
    moved = packed.to("cpu")
    assert moved is not packed and torch.equal(moved.dense, packed.dense) and torch.equal(moved.labels, packed.labels)
    default = train_probe(packed, cfg, log=lambda *_: None)
    named = train_probe(packed, cfg, log=lambda *_: None, device="cpu")
    assert torch.equal(packed.scale, torch.ones(5))  # fit_scale ran on the copy
    assert named.weight.device.type == "cpu" and not torch.equal(named.weight, torch.zeros_like(named.weight))
    torch.testing.assert_close(named.weight, default.weight)


def test_training_refuses_documents_packed_closer_than_the_probe_reads():
    import numpy as np
    from sae_pii.pii.probes import ProbeTrainConfig, pack, train_probe

    cfg = ProbeTrainConfig(context=1, hidden=4, hidden_context=1)
    with pytest.raises(ValueError, match="context=2"):
        train_probe(pack([torch.zeros(3, 2)], [np.zeros(3, dtype=np.int64)], 1), cfg)


def test_probe_files_are_checked(tmp_path):
    with pytest.raises(FileNotFoundError, match="fit-probes"):
        load_probes(tmp_path)
    probe = TokenProbe(n_features=3, context=0)
    info = ProbeInfo(name="raw", feature="raw", context=0, n_features=4, thresholds={lab: 0.5 for lab in LABELS},
                     file="raw.safetensors")
    save_probes(tmp_path, {"raw": (probe, info)}, {})
    with pytest.raises(ValueError, match="does not match"):
        load_probes(tmp_path)


def test_probe_is_a_convolution_over_neighbours():
    probe = TokenProbe(n_features=2, context=1)
    with torch.no_grad():
        probe.weight.zero_()
        probe.weight[1, 0, 0] = 1.0  # class 1 reads feature 0 of the PREVIOUS token
    feats = torch.tensor([[5.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    probs = probe(feats)
    assert probs[1].argmax() == 1 and probs[0].argmax() != 1 and probs[2].argmax() != 1


@pytest.fixture(scope="module")
def detector(tiny_run_dir):
    return SAEPIIDetector.from_pretrained(tiny_run_dir)


def test_detect_returns_exact_spans(detector):
    spans = detector.detect(TEXT)
    assert isinstance(spans, list)
    for s in spans:
        assert isinstance(s, PIISpan) and s.label in LABELS and 0.0 <= s.score <= 1.0
        assert TEXT[s.start:s.end] == s.text and s.text == s.text.strip()
    assert detector.detect_batch([TEXT, "", TEXT]) == [spans, [], spans]


def test_batches_go_shortest_first():
    from sae_pii.pii.detector import by_length_batches

    texts = ["ccc", "a", "", "bbbbb", "dd"]
    assert list(by_length_batches(texts, 2)) == [[2, 1], [4, 0], [3]]
    assert list(by_length_batches(texts, 2, [0, 3, 1])) == [[1, 0], [3]]  # only the indices given


def test_a_batch_answers_each_text_in_its_place(detector):
    """detect_batch runs its texts shortest first, and hands each its own spans back."""
    texts = [TEXT + " " + TEXT, "", "Write to dana.k@example.com today.", TEXT, "SSN 536-22-8145, Dana."]
    alone = [detector.detect(t) for t in texts]
    assert len({tuple(spans) for spans in alone if spans}) >= 3  # different answers, so a mix-up shows
    assert detector.detect_batch(texts) == alone


def test_bad_input(detector):
    assert detector.detect("") == []
    with pytest.raises(TypeError, match="must be a str, got bytes"):
        detector.detect(TEXT.encode())
    with pytest.raises(TypeError, match="must be a str"):
        detector.detect(None)
    with pytest.raises(TypeError, match="list of str"):
        detector.detect_batch(TEXT)
    with pytest.raises(ValueError, match="redaction style"):
        detector.redact(TEXT, style="blur")


def test_long_text_goes_through_segments(detector, monkeypatch):
    import sae_pii.pii.detector as det_mod

    monkeypatch.setattr(det_mod, "SEGMENT_CHARS", 600)
    monkeypatch.setattr(det_mod, "SEGMENT_OVERLAP", 200)
    text = "\n".join([TEXT] * 40)
    spans = detector.detect(text)
    assert [s.start for s in spans] == sorted(s.start for s in spans)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
    assert all(text[s.start:s.end] == s.text for s in spans)


def test_from_pretrained_errors(tmp_path, tiny_run_dir):
    with pytest.raises(FileNotFoundError, match="no such run directory"):
        SAEPIIDetector.from_pretrained(tmp_path / "nope")
    shutil.copytree(tiny_run_dir / "sae", tmp_path / "run" / "sae")
    with pytest.raises(FileNotFoundError, match="fit-probes"):
        SAEPIIDetector.from_pretrained(tmp_path / "run")
    with pytest.raises(ValueError, match="available"):
        SAEPIIDetector.from_pretrained(tiny_run_dir, probe="xgboost")


def test_bfloat16_products_move_the_probabilities_by_rounding_only(tiny_run_dir):
    """precision="bfloat16" runs the model's forward under bfloat16 autocast and the SAE encoder's and
    the probes' dense products in bfloat16 (what "auto" picks on a CPU that does them 2x faster)."""
    from sae_pii.pii import features as feat

    exact = SAEPIIDetector.from_pretrained(tiny_run_dir, probe="mix", precision="float32")
    low = SAEPIIDetector.from_pretrained(tiny_run_dir, probe="mix", precision="bfloat16")
    assert low.sae_matmul_dtype is torch.bfloat16 and {p.precision for p in low.probe.probes} == {"bfloat16"}
    assert exact.sae_matmul_dtype is torch.float32
    assert (low.forward_dtype, exact.forward_dtype) == (torch.bfloat16, torch.float32)
    toks = [feat.tokenize(exact.lm.tokenizer, TEXT)]
    a_exact, a_low = exact.activations(toks)[0], low.activations(toks)[0]
    assert a_low.dtype is torch.float32  # the probes read float32 whatever the forward ran in
    relative = (a_low - a_exact).norm(dim=-1) / a_exact.norm(dim=-1)
    assert 0 < relative.max() < 0.05  # rounded (bfloat16 keeps 8 bits of mantissa), not another model
    with exact.forward_precision():  # float32 autocasts nothing
        assert not torch.is_autocast_enabled("cpu")
    p_exact, p_low = exact.token_probs([TEXT], toks)[0], low.token_probs([TEXT], toks)[0]
    assert 0 < abs(p_exact - p_low).max() < 0.05
    # detect's path runs the forward in the detector's own precision, not float32's.
    np.testing.assert_array_equal(p_low, low.probs_from_activations([a_low], [TEXT], toks)[0])
    assert not np.array_equal(p_low, low.probs_from_activations([a_exact], [TEXT], toks)[0])
    for probe in ("mix", "raw"):  # the raw probe alone has no SAE encoder, and checks it too
        with pytest.raises(ValueError, match="precision 'fp8' unknown: choose one of auto, float32, bfloat16"):
            SAEPIIDetector.from_pretrained(tiny_run_dir, probe=probe, precision="fp8")


def test_evaluation_shares_one_forward_in_the_detectors_precision(tiny_run_dir):
    """`eval` runs the LM once for every system sharing it (evaluate._shared_predictions); it does so
    in the systems' precision, so its spans are the ones detect_batch gives, bfloat16 forward included."""
    from sae_pii.pii.detector import load_systems
    from sae_pii.pii.evaluate import _shared_predictions

    texts = [TEXT, "Call Dana Whitfield at 555-0134 about the lease.", "Nothing to see here."]
    for precision in ("bfloat16", "float32"):
        systems = load_systems(tiny_run_dir, ["raw", "mix+rules"], precision=precision)
        shared = _shared_predictions(texts, systems, batch_size=2)
        assert set(shared) == {"raw", "mix+rules"}
        for name, det in systems.items():
            assert shared[name] == det.detect_batch(texts), (precision, name)


def test_evaluation_runs_each_fused_probe_once_with_the_same_results(tmp_path, tiny_bert_dir, tiny_lm, monkeypatch):
    """With two seeds of each kind, "sae", "raw" and "mix" run the same fused probes: `eval` computes
    each text's SAE latents, token shapes and each fused probe's output once for all of them, decodes
    once for a probe with and without the rule layer, and every system's spans and scores stay those
    detect_batch gives on its own."""
    from sae_pii.pii import detector as detector_module
    from sae_pii.pii import features as feat
    from sae_pii.pii.detector import load_systems
    from sae_pii.pii.evaluate import _shared_predictions
    from sae_pii.pii.fit import fit_probes
    from sae_pii.pii.probes import ProbeTrainConfig
    from sae_pii.pii.synth import generate
    from sae_pii.sae import SAEConfig, SparseAutoencoder

    torch.manual_seed(1)
    sae = SparseAutoencoder(SAEConfig(d_in=32, d_sae=128, k=8, model_name=tiny_bert_dir, hook_layer=tiny_lm.layer))
    sae.save_pretrained(tmp_path / "sae")
    fit_probes(tiny_lm, sae, list(generate(30, "train", 1)), list(generate(8, "validation", 1)), tmp_path / "probes",
               ProbeTrainConfig(epochs=1, context=1, seeds=2), log=lambda *_: None)
    texts = [TEXT, "Call Dana Whitfield at 555-0134 about the lease.", "", "Nothing to see here."]
    systems = load_systems(tmp_path, ["sae", "sae+rules", "raw", "raw+rules", "mix+rules"], precision="float32")
    mix = systems["mix+rules"].probe
    assert {id(p) for p in mix.probes} == {id(systems["sae"].probe.probes[0]), id(systems["raw+rules"].probe.probes[0])}
    decoded = []
    real_decode = detector_module.decode
    monkeypatch.setattr(detector_module, "decode", lambda *a, **k: decoded.append(k) or real_decode(*a, **k))
    shared = _shared_predictions(texts, systems, batch_size=3)
    assert len(decoded) == 3 * len(texts) and not any(k.get("validators") for k in decoded)  # sae, raw, mix
    for name, det in systems.items():
        assert shared[name] == det.detect_batch(texts), name
    assert shared["sae+rules"] != shared["sae"]  # the rule layer ran on the shared spans
    toks = [feat.tokenize(tiny_lm.tokenizer, t) for t in texts]
    acts = systems["sae"].activations(toks)
    memo: dict = {}
    for name, det in systems.items():
        np.testing.assert_array_equal(np.concatenate(det.probs_from_activations(acts, texts, toks, memo)),
                                      np.concatenate(det.probs_from_activations(acts, texts, toks)))
    assert sum(key[0] == "probe" for key in memo) == 2 * 3  # two fused probes, three texts with tokens


def test_redaction_styles():
    text = "Dana at 555-0134, again Dana"
    spans = [PIISpan(0, 4, "PERSON", 0.9, "Dana"), PIISpan(8, 16, "PHONE_NUMBER", 0.9, "555-0134"),
             PIISpan(24, 28, "PERSON", 0.9, "Dana")]
    assert redact_spans(text, spans, "label") == "<PERSON> at <PHONE_NUMBER>, again <PERSON>"
    assert redact_spans(text, spans, "mask") == "**** at ********, again ****"
    hashed = redact_spans(text, spans, "hash", salt="s")
    tags = [w.strip(",") for w in hashed.split() if w.startswith("<")]
    assert tags[0] == tags[2] != tags[1]  # same value, same tag: stable pseudonyms
    assert redact_spans(text, spans, "hash", salt="s") == hashed
    assert redact_spans(text, spans, "hash", salt="t") != hashed
    assert "Dana" not in hashed


def test_cli_detect_redact_eval(tiny_run_dir, tmp_path, write_presidio):
    from sae_pii.cli import app
    from sae_pii.pii.datasets import write_jsonl
    from sae_pii.pii.synth import generate

    runner = CliRunner()
    inp = tmp_path / "in.jsonl"
    inp.write_text(json.dumps({"text": TEXT}) + "\n" + json.dumps({"text": "nothing here"}) + "\n")
    res = runner.invoke(app, ["detect", str(inp), "--model-dir", str(tiny_run_dir)])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert len(lines) == 2 and all("spans" in x for x in lines)
    res = runner.invoke(app, ["redact", "-", "--model-dir", str(tiny_run_dir), "--style", "mask"], input=TEXT)
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout.splitlines()[0])
    assert len(out["text"]) == len(TEXT)
    # the spans say where and what, with the score, but never repeat the text redacted (the rule
    # layer finds the e-mail address whatever the toy probe scores)
    assert any(s["label"] == "EMAIL_ADDRESS" for s in out["spans"])
    assert all(set(s) == {"start", "end", "label", "score"} and set(out["text"][s["start"]:s["end"]]) <= {"*", " "}
               for s in out["spans"])
    data = tmp_path / "test.jsonl"
    write_jsonl(generate(6, "test", 0), data)
    res = runner.invoke(app, ["eval", "--data", str(data), "--model-dir", str(tiny_run_dir), "--systems", "sae,raw",
                              "--json", "--latency-docs", "2"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    scores = report["datasets"][str(data)]
    assert set(scores) == {"sae", "raw"}
    assert set(scores["sae"]["exact_span"]["per_label"]) == set(LABELS)
    assert scores["sae"]["latency_ms"]["p95"] >= scores["sae"]["latency_ms"]["p50"] > 0
    # presidio-research files are also scored with their address parts joined (same predictions)
    text = "Ship to 12 Main St\nSpringfield for Dana Lee"
    parts = [("STREET_ADDRESS", "12"), ("STREET_ADDRESS", "Main St"), ("GPE", "Springfield"), ("PERSON", "Dana Lee")]
    presidio = write_presidio(tmp_path / "presidio.json", text, parts)
    res = runner.invoke(app, ["eval", "--data", str(presidio), "--model-dir", str(tiny_run_dir), "--systems", "raw",
                              "--latency-docs", "0"])
    assert res.exit_code == 0, res.output
    assert "address parts joined: exact-span F1" in res.output
    res = runner.invoke(app, ["eval", "--data", str(presidio), "--model-dir", str(tiny_run_dir), "--systems", "raw",
                              "--latency-docs", "0", "--json"])
    scored = json.loads(res.stdout)["datasets"][str(presidio)]["raw"]
    assert scored["exact_span"]["per_label"]["STREET_ADDRESS"]["support"] == 2  # as annotated: two parts
    assert scored["views"]["address parts joined"]["exact_span"]["per_label"]["STREET_ADDRESS"]["support"] == 1
    res = runner.invoke(app, ["eval", "--data", str(tmp_path / "missing.jsonl"), "--model-dir", str(tiny_run_dir)])
    assert res.exit_code == 2 and "no such file" in res.output
    for command in (["detect", str(inp)], ["eval", "--data", str(data)]):
        res = runner.invoke(app, [*command, "--model-dir", str(tiny_run_dir), "--precision", "fp8"])
        assert res.exit_code == 2 and "choose one of auto, float32, bfloat16" in res.output


def test_probe_training_with_dropout_l2_and_early_stopping():
    """Feature dropout + L2 still learn a separable signal; with validation data the best epoch's
    weights are kept and training stops once validation loss has not improved for `patience` epochs."""
    import numpy as np
    from sae_pii.pii.probes import ProbeTrainConfig, pack, train_probe

    def docs(seed):
        g = torch.Generator().manual_seed(seed)
        feats = [torch.rand(30, 8, generator=g) * 0.1 for _ in range(20)]
        labels = [np.zeros(30, dtype=np.int64) for _ in range(20)]
        for f, lab in zip(feats, labels):
            lab[10:14] = 2  # EMAIL_ADDRESS
            f[10:14, 3] += 2.0
        return feats, labels

    train_f, train_l = docs(0)
    val_f, val_l = docs(1)
    lines: list[str] = []
    cfg = ProbeTrainConfig(context=1, hidden=0, epochs=40, lr=0.05, chunk_tokens=128, l2=1e-4, feature_dropout=0.3,
                           patience=2)
    probe = train_probe(pack(train_f, train_l, cfg.reach), cfg, log=lines.append, val=pack(val_f, val_l, cfg.reach))
    assert any("validation loss" in line for line in lines)
    assert any("early stop" in line for line in lines)  # 40 epochs on a trivial task: it must stop early
    pred = probe(val_f[0]).argmax(-1)
    assert pred[10:14].tolist() == [2, 2, 2, 2] and (pred[:10] == 0).all()


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_fast_dropout_drops_the_share_asked_and_keeps_the_mean(p):
    """Training's dropout draws its keep mask from random bytes: about p of the entries are zeroed,
    the rest scaled so the mean stays, the same seed gives the same mask, and p=0 is the identity."""
    from sae_pii.pii.probes import fast_dropout

    x = torch.ones(401, 499)  # not a multiple of the 8 bytes each draw gives
    torch.manual_seed(0)
    y = fast_dropout(x, p)
    assert float((y == 0).float().mean()) == pytest.approx(p, abs=0.01)
    # Every byte of a draw is uniform: a draw over [0, 2^63) would keep its top byte below 128.
    dropped = (y == 0).flatten()[: 8 * (y.numel() // 8)].view(-1, 8).float().mean(0)
    torch.testing.assert_close(dropped, torch.full((8,), float(round(p * 256) / 256)), atol=0.02, rtol=0)
    assert float(y.mean()) == pytest.approx(1.0, abs=0.01)
    torch.manual_seed(0)
    assert torch.equal(fast_dropout(x, p), y)
    assert fast_dropout(x, 0.0) is x
    g = torch.ones(3, 4, requires_grad=True)
    fast_dropout(g, p).sum().backward()
    kept = 1 / (1 - round(p * 256) / 256)
    assert all(v == 0.0 or v == pytest.approx(kept) for v in g.grad.unique().tolist())


def test_token_shapes_describe_the_original_casing(minilm_tokenizer):
    from sae_pii.pii.features import tokenize
    from sae_pii.pii.shapes import PROBE_SHAPES, token_shapes

    text = "Bot: hi NASA, call McDonald\nat 555"
    tok = tokenize(minilm_tokenizer, text)
    shapes = token_shapes(text, tok.offsets)  # those a probe fitted now reads
    assert shapes.shape == (len(tok.offsets), len(PROBE_SHAPES))
    col = {name: i for i, name in enumerate(PROBE_SHAPES)}

    def row(word):
        i = next(i for i, (s, e) in enumerate(tok.offsets) if text[s:e].lower() == word.lower()[: e - s])
        return {n for n, j in col.items() if shapes[i, j] and n not in ("common_given_name", "common_surname")}

    assert row("Bot") == {"title", "line_start", "sentence_start"}
    assert row("hi") == {"lower", "sentence_start"}  # after "Bot:"
    assert row("NASA") == {"upper"}
    assert row("McDonald") == {"title"}
    assert row("at") == {"lower", "line_start", "sentence_start"}
    assert row("555") == {"digit"}


def _lexicon_hits(text, offsets, columns=("given_name", "surname")):
    """word -> its first token's lexicon `columns`."""
    from sae_pii.pii.shapes import token_shapes

    lexicon = token_shapes(text, offsets, columns)

    def hits(word):
        i = next(i for i, (s, e) in enumerate(offsets) if text[s:e].lower() == word.lower()[: e - s])
        return tuple(lexicon[i].tolist())
    return hits


def test_token_shapes_say_which_words_the_name_lexicon_knows(minilm_tokenizer):
    """given_name / surname: the word is a given name / surname of Faker's lists (any locale, any
    case, accents folded); a one-letter word or punctuation is neither."""
    from sae_pii.pii.features import tokenize
    from sae_pii.pii.shapes import SHAPE_FEATURES, token_shapes

    text = "Dear María Schmidt, I paid invoice 88 - a. maria"
    tok = tokenize(minilm_tokenizer, text)
    hits = _lexicon_hits(text, tok.offsets)
    assert hits("María") == (1.0, 0.0)
    assert hits("Schmidt") == (0.0, 1.0)
    assert hits("invoice") == hits("88") == hits("-") == hits("I") == (0.0, 0.0)
    assert hits("maria")[0] == 1.0  # lower case too: the probe reads the casing columns beside it
    # The columns are the full table's, in the order asked for.
    full = token_shapes(text, tok.offsets, SHAPE_FEATURES)
    order = [SHAPE_FEATURES.index("surname"), SHAPE_FEATURES.index("title")]
    np.testing.assert_array_equal(token_shapes(text, tok.offsets, ("surname", "title")), full[:, order])
    with pytest.raises(ValueError, match="unknown token shape"):
        token_shapes(text, tok.offsets, ("title", "emoji"))


def test_the_lexicon_columns_ask_fakers_lists_or_the_probes_lexicon(minilm_tokenizer):
    """given_name / surname (probe files of the thirteenth and fourteenth sessions) ask Faker's lists
    alone; common_given_name / common_surname (probes fitted now) also the US census's common names
    ("Kowalczyk", "Adebayo"), less those frequent in some language ("Gracias", Spanish; the rule
    layer's lexicon keeps it and asks the language around it)."""
    from sae_pii.pii.features import tokenize
    from sae_pii.pii.name_lexicon import known_given_names, known_surnames

    text = "Adebayo Kowalczyk met Anna Schmidt and Gracias"
    offsets = tokenize(minilm_tokenizer, text).offsets
    faker = _lexicon_hits(text, offsets)
    common = _lexicon_hits(text, offsets, ("common_given_name", "common_surname"))
    assert "adebayo" in known_given_names() and {"kowalczyk", "gracias"} <= known_surnames()
    assert faker("Adebayo") == faker("Kowalczyk") == faker("Gracias") == (0.0, 0.0)
    assert common("Adebayo")[0] == 1.0 and common("Kowalczyk") == (0.0, 1.0) and common("Gracias") == (0.0, 0.0)
    for word in ("Anna", "Schmidt"):  # Faker's words are in both
        assert faker(word) == common(word) and faker(word) != (0.0, 0.0)


def test_preload_builds_only_the_lexicons_the_probe_reads():
    """The detector builds its probe's lexicon columns' word sets at load, not in the first detect()."""
    from sae_pii.pii.name_lexicon import probe_person_words
    from sae_pii.pii.shapes import PROBE_SHAPES, preload_lexicons

    probe_person_words.cache_clear()
    preload_lexicons(SIX_SHAPES + ["given_name", "surname"])  # a fourteenth-session probe: Faker's alone
    assert probe_person_words.cache_info().currsize == 0
    preload_lexicons(PROBE_SHAPES)
    assert probe_person_words.cache_info().currsize == 2  # given names and surnames


def test_lexicon_forget_drops_whole_words_reproducibly():
    """Training forgets a share of the words (every occurrence and every piece of one word alike), the
    same ones for the same seed, other ones for another; inference forgets none."""
    from sae_pii.pii.shapes import token_shapes

    names = ["Anna", "John", "Maria", "Peter", "Laura", "David", "Sofia", "Carlos", "Emma", "Lucas"] * 2
    text = " ".join(names)
    offsets, pos = [], 0
    for name in names:  # two pieces per word, as a tokenizer would cut them
        offsets += [(pos, pos + 2), (pos + 2, pos + len(name))]
        pos += len(name) + 1
    offsets = np.array(offsets)
    given = lambda **kw: token_shapes(text, offsets, ("given_name",), **kw)[:, 0]
    assert given().all()
    kept = given(lexicon_forget=0.5, seed=1)
    assert 0 < kept.sum() < len(kept)
    per_word = kept.reshape(-1, 2)
    assert (per_word[:, 0] == per_word[:, 1]).all() and (per_word[:10] == per_word[10:]).all()
    assert (given(lexicon_forget=0.5, seed=1) == kept).all() and not (given(lexicon_forget=0.5, seed=2) == kept).all()
    assert not given(lexicon_forget=1.0).any()


def test_training_shapes_forget_lexicon_words_as_the_config_says(minilm_tokenizer):
    """fit-probes and bench.pii_experiments train on these: the lexicon columns lose
    `lexicon_forget` of the words, the other columns and detection's shapes are untouched."""
    from sae_pii.pii.features import tokenize
    from sae_pii.pii.fit import detection_shapes, training_shapes
    from sae_pii.pii.probes import ProbeTrainConfig
    from sae_pii.pii.shapes import PROBE_SHAPES, token_shapes
    from sae_pii.pii.spans import Document

    docs = [Document(text=t, spans=[]) for t in ("Dear Anna Schmidt, John called", "Maria and Peter Brown")]
    toks = [tokenize(minilm_tokenizer, d.text) for d in docs]
    plain = [token_shapes(d.text, t.offsets) for d, t in zip(docs, toks)]
    lexicon = [PROBE_SHAPES.index("common_given_name"), PROBE_SHAPES.index("common_surname")]
    for got, want in zip(training_shapes(docs, toks, ProbeTrainConfig(lexicon_forget=0.0)), plain):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(training_shapes(docs, toks, ProbeTrainConfig(lexicon_forget=1.0)), plain):
        assert want[:, lexicon].any() and not got[:, lexicon].any()
        np.testing.assert_array_equal(np.delete(got, lexicon, 1), np.delete(want, lexicon, 1))
    assert training_shapes(docs, toks, ProbeTrainConfig(shapes=False)) == [None, None]
    # Validation reads the shapes as detection computes them: nothing forgotten, whatever the config.
    for got, want in zip(detection_shapes(docs, toks, ProbeTrainConfig(lexicon_forget=1.0)), plain):
        np.testing.assert_array_equal(got, want)
    assert detection_shapes(docs, toks, ProbeTrainConfig(shapes=False)) == [None, None]


def _token_shapes_reference(text, offsets):
    """shapes.py's definitions, token by token in plain Python (the array version must match it)."""
    import numpy as np
    from sae_pii.pii.name_lexicon import faker_person_words, plain, probe_person_words

    out = np.zeros((len(offsets), 10), dtype=np.float32)
    for i, (s, e) in enumerate(offsets):
        if e <= s:
            continue
        a, b = s, e
        while a > 0 and text[a - 1].isalnum():
            a -= 1
        while b < len(text) and text[b].isalnum():
            b += 1
        letters = [c for c in text[a:b] if c.isalpha()]
        if letters:
            all_upper = len(letters) > 1 and all(c.isupper() for c in letters)
            out[i, :3] = (letters[0].isupper() and not all_upper, all_upper, all(c.islower() for c in letters))
        out[i, 3] = any(c.isdigit() for c in text[s:e])
        j = a - 1
        while j >= 0 and text[j] in " \t":
            j -= 1
        out[i, 4] = j < 0 or text[j] in "\r\n"
        while j >= 0 and text[j].isspace():
            j -= 1
        out[i, 5] = out[i, 4] or j < 0 or text[j] in '.!?:"\n'
        word = plain(text[a:b]) if b - a > 1 else ""
        out[i, 6:] = (word in faker_person_words(("first_name",)), word in faker_person_words(("last_name",)),
                      word in probe_person_words(("first_name",)), word in probe_person_words(("last_name",)))
    return out


def test_token_shapes_match_the_per_token_definition_on_random_text(minilm_tokenizer):
    import random

    import numpy as np
    from sae_pii.pii.features import tokenize
    from sae_pii.pii.shapes import SHAPE_FEATURES, token_shapes

    rng = random.Random(0)
    # ASCII and beyond: cased and uncased letters, digits of other scripts, a titlecase digraph,
    # "Ⅰ" (upper but no letter), "ª" (a lowercase letter), marks, every kind of space.
    alphabet = "aZ9 \t\n\r.:!?\"-'_(),ÄéßΩж中\u00aa\u2160\u01c5\u0660\u0301\u00a0x"
    for _ in range(400):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 50)))
        tokens = tokenize(minilm_tokenizer, text).offsets
        spans = np.array([sorted(rng.sample(range(len(text) + 1), 2)) for _ in range(5)]) if len(text) > 1 else tokens
        for offsets in (tokens, spans):
            np.testing.assert_array_equal(token_shapes(text, offsets, SHAPE_FEATURES),
                                          _token_shapes_reference(text, offsets.tolist()),
                                          err_msg=repr(text))


def test_probe_with_token_shapes_roundtrips_and_needs_them(tmp_path):
    from sae_pii.pii.shapes import PROBE_SHAPES

    torch.manual_seed(0)
    n_shapes = len(PROBE_SHAPES)
    probe = TokenProbe(n_features=3 + n_shapes, context=1, feature_index=torch.tensor([0, 2, 4]), n_shapes=n_shapes)
    with torch.no_grad():
        probe.weight.normal_()
    info = ProbeInfo(name="sae", feature="sae", context=1, n_features=3 + n_shapes,
                     thresholds={lab: 0.5 for lab in LABELS}, file="sae.safetensors", shapes=list(PROBE_SHAPES))
    save_probes(tmp_path, {"sae": (probe, info)}, {})
    back, back_info = load_probes(tmp_path)[1]["sae"]
    assert back.n_shapes == n_shapes and back_info.shapes == list(PROBE_SHAPES)
    assert back.shape_features == PROBE_SHAPES
    feats, shapes = torch.randn(4, 6), torch.randint(0, 2, (4, n_shapes)).float()
    torch.testing.assert_close(back(feats, shapes), probe(feats, shapes))
    assert not torch.allclose(back(feats, shapes), back(feats, 1 - shapes))  # the shapes are read
    with pytest.raises(ValueError, match="token shapes"):
        back(feats)
    meta = json.loads((tmp_path / "probes.json").read_text())
    meta["probes"]["sae"]["shapes"] = ["title", "emoji"]
    (tmp_path / "probes.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="refit"):
        load_probes(tmp_path)


@pytest.mark.parametrize("shapes", [SIX_SHAPES, SIX_SHAPES + ["given_name", "surname"]], ids=["six", "faker-lexicon"])
def test_probe_files_of_earlier_versions_read_the_shapes_they_name(tmp_path, shapes):
    """A probe fitted before the lexicon columns existed names six shapes, one of the thirteenth and
    fourteenth sessions eight with Faker's lexicon columns: it loads, reads those (so its detector
    computes only them), and a mixture refuses members that read different ones."""
    from sae_pii.pii.probes import ProbeMixture
    from sae_pii.pii.shapes import PROBE_SHAPES

    n = len(shapes)
    probe = TokenProbe(n_features=3 + n, context=1, n_shapes=n, shape_features=tuple(shapes))
    info = ProbeInfo(name="raw", feature="raw", context=1, n_features=3 + n, thresholds={lab: 0.5 for lab in LABELS},
                     file="raw.safetensors", shapes=shapes)
    save_probes(tmp_path, {"raw": (probe, info)}, {})
    back = load_probes(tmp_path)[1]["raw"][0]
    assert back.shape_features == tuple(shapes) and back.n_shapes == n
    new = TokenProbe(n_features=3 + len(PROBE_SHAPES), context=1, n_shapes=len(PROBE_SHAPES))
    assert new.shape_features == PROBE_SHAPES != tuple(shapes)  # a new probe reads the probes' lexicon
    with pytest.raises(ValueError, match="different token shapes"):
        ProbeMixture([("raw", back, 0.5), ("sae", new, 0.5)])
    with pytest.raises(ValueError, match="named"):
        TokenProbe(n_features=9, context=1, n_shapes=6, shape_features=("title",))


def test_fit_without_token_shapes_and_default_from_validation(tmp_path, tiny_run_dir, tiny_lm, monkeypatch):
    """`fit-probes --no-shapes` writes probes that read model features only, and probes.json names
    as the default the probe with the better validation F1 (rule layer included), listing the probes
    in one order however the workers finish."""
    from sae_pii.pii import fit
    from sae_pii.pii.fit import fit_probes
    from sae_pii.pii.probes import ProbeTrainConfig
    from sae_pii.pii.synth import generate
    from sae_pii.sae import SparseAutoencoder

    run = tmp_path / "run"
    shutil.copytree(tiny_run_dir / "sae", run / "sae")
    sae = SparseAutoencoder.from_pretrained(run)
    trained_in_order = fit.train_members

    def last_first(*args, **kwargs):  # workers may finish in any order
        yield from reversed(list(trained_in_order(*args, **kwargs)))

    monkeypatch.setattr(fit, "train_members", last_first)
    summary = fit_probes(tiny_lm, sae, list(generate(30, "train", 1)), list(generate(10, "validation", 1)),
                         run / "probes", ProbeTrainConfig(epochs=1, context=1, shapes=False), log=lambda *_: None)
    meta, probes = load_probes(run / "probes")
    # probes.json lists the probes in one order, whichever finished first.
    assert list(meta["probes"]) == ["sae_seed0", "sae_seed1", "sae", "raw_seed0", "raw_seed1", "raw", "mix"]
    assert all(p.n_shapes == 0 and not info.shapes for p, info in probes.values())
    key = "validation_exact_span_micro_f1_with_validators"
    assert meta["default_probe"] == max(summary, key=lambda k: summary[k][key])
    det = SAEPIIDetector.from_pretrained(run)
    assert det.info.name == meta["default_probe"]
    assert all(TEXT[s.start:s.end] == s.text for s in det.detect(TEXT))


def test_mixture_probe_is_the_weighted_mean_of_its_members(tiny_run_dir, tmp_path):
    """fit-probes adds a "mix" entry (raw and SAE probes averaged, weights chosen on validation);
    it loads with the SAE, its probabilities are exactly that weighted mean, and a mixture naming a
    probe the file lacks is refused."""
    import numpy as np
    from sae_pii.pii import features as feat
    from sae_pii.pii.detector import load_systems

    _, probes = load_probes(tiny_run_dir / "probes")
    _, info = probes["mix"]
    assert set(info.members) == {"raw", "sae"} and sum(info.members.values()) == pytest.approx(1.0)
    assert set(info.thresholds) == set(LABELS)
    dets = load_systems(tiny_run_dir, ["sae", "raw", "mix+rules"])
    toks = [feat.tokenize(dets["raw"].lm.tokenizer, TEXT)]
    p = {name: d.token_probs([TEXT], toks)[0] for name, d in dets.items()}
    np.testing.assert_allclose(p["mix+rules"], info.members["raw"] * p["raw"] + info.members["sae"] * p["sae"],
                               atol=1e-6)
    det = SAEPIIDetector.from_pretrained(tiny_run_dir, probe="mix")
    assert det.sae is not None and all(TEXT[s.start:s.end] == s.text for s in det.detect(TEXT))

    raw_probe, raw_info = probes["raw"]
    save_probes(tmp_path, {"raw": (raw_probe, raw_info), "mix": (None, info)}, {})
    with pytest.raises(ValueError, match=r"mixture 'mix' names probes \['sae'\]"):
        load_probes(tmp_path)


@pytest.mark.parametrize("hidden", [0, 4])
def test_fused_probes_equal_the_weighted_mean_of_their_members(hidden):
    """FusedProbes runs probes of one layout as one wider probe: the same probabilities as the
    weighted mean of the members run one by one, for dense features and for a TopK SAE's k latents;
    probes of different layouts are refused."""
    from sae_pii.pii.probes import FusedProbes

    torch.manual_seed(0)
    members = []
    for _ in range(3):
        p = TokenProbe(n_features=10, context=1, hidden=hidden, hidden_context=1 if hidden else 0)
        with torch.no_grad():
            for t in p.parameters():
                t.normal_()
        members.append(p.eval().requires_grad_(False))
    weights = [0.2, 0.5, 0.3]
    fused = FusedProbes(members, weights)
    assert fused.n_classes == len(CLASSES)
    feats = torch.randn(7, 10).relu()
    expected = sum(w * p(feats) for p, w in zip(members, weights))
    torch.testing.assert_close(fused(feats), expected, atol=1e-5, rtol=1e-5)
    vals, idx = feats.topk(3, dim=1)
    torch.testing.assert_close(fused((vals, idx)), sum(w * p((vals, idx)) for p, w in zip(members, weights)),
                               atol=1e-5, rtol=1e-5)
    with pytest.raises(ValueError, match="one layout"):
        FusedProbes([members[0], TokenProbe(n_features=10, context=2, hidden=hidden)], [0.5, 0.5])


def test_inference_path_equals_the_training_path():
    """Without autograd a probe runs its output convolution as a product and shifted sums; with it,
    conv1d. Both give the same probabilities, for a single probe and for fused ones (block-diagonal
    output weights), dense and TopK inputs; the written-out softmax equals torch's."""
    from sae_pii.pii.probes import FusedProbes, _softmax

    logits = torch.randn(9, 2, len(CLASSES)) * 20
    torch.testing.assert_close(_softmax(logits), logits.softmax(-1))

    torch.manual_seed(1)
    members = []
    for _ in range(2):
        p = TokenProbe(n_features=12, context=2, hidden=6, hidden_context=2)
        with torch.no_grad():
            for t in p.parameters():
                t.normal_()
        members.append(p.eval().requires_grad_(False))
    feats = torch.randn(9, 12).relu()
    vals, idx = feats.topk(4, dim=1)
    for probe in (members[0], FusedProbes(members, [0.3, 0.7])):
        for inputs in (feats, (vals, idx)):
            trained_way = probe(inputs)  # autograd on: conv1d
            with torch.inference_mode():
                served_way = probe(inputs)
            torch.testing.assert_close(served_way, trained_way, atol=1e-5, rtol=1e-5)
            assert served_way.is_contiguous()
            # In bfloat16 (the products and the TopK row gather) the probabilities stay close.
            probe.precision = "bfloat16"
            with torch.inference_mode():
                rounded = probe(inputs)
            probe.precision = "float32"
            assert not torch.equal(rounded, served_way)
            torch.testing.assert_close(rounded, served_way, atol=3e-2, rtol=0)


def test_shifted_sum_matches_autograd_through_slices():
    """The first layer's shifted sum has a backward of its own: values and gradients equal, bit for
    bit, what autograd gives for bias + projected[j:j + n, j] summed over j."""
    from sae_pii.pii.probes import _shifted_sum

    torch.manual_seed(2)
    k, n, width = 5, 9, 6
    projected = torch.randn(n + k - 1, k * width, requires_grad=True)
    bias = torch.randn(width, requires_grad=True)
    grad_out = torch.randn(n, width)
    ours = _shifted_sum(projected, k, bias)
    ours.backward(grad_out)
    ours_grads = projected.grad.clone(), bias.grad.clone()
    projected.grad = bias.grad = None
    y = projected.view(n + k - 1, k, width)
    reference = bias + y[0:n, 0]
    for j in range(1, k):
        reference = reference + y[j:j + n, j]
    reference.backward(grad_out)
    assert torch.equal(ours, reference)
    assert torch.equal(ours_grads[0], projected.grad) and torch.equal(ours_grads[1], bias.grad)


def test_probes_of_several_seeds_are_averaged(tmp_path, tiny_run_dir, tiny_lm):
    """`fit-probes --seeds 2` fits each kind twice (seeds 0 and 1, files <kind>_seed<n>); "sae" and
    "raw" are the means of their seeds, with thresholds of their own, and "mix" spreads each kind's
    weight evenly over its seeds."""
    from sae_pii.pii import features as feat
    from sae_pii.pii.detector import load_systems
    from sae_pii.pii.fit import fit_probes
    from sae_pii.pii.probes import ProbeMixture, ProbeTrainConfig
    from sae_pii.pii.synth import generate
    from sae_pii.sae import SparseAutoencoder

    run = tmp_path / "run"
    shutil.copytree(tiny_run_dir / "sae", run / "sae")
    sae = SparseAutoencoder.from_pretrained(run)
    summary = fit_probes(tiny_lm, sae, list(generate(30, "train", 1)), list(generate(10, "validation", 1)),
                         run / "probes", ProbeTrainConfig(epochs=1, context=1, seeds=2), log=lambda *_: None)
    assert set(summary) == {"sae", "raw", "mix"}
    assert sorted(p.name for p in (run / "probes").iterdir()) == [
        "probes.json", "raw_seed0.safetensors", "raw_seed1.safetensors", "sae_seed0.safetensors", "sae_seed1.safetensors"]
    meta, probes = load_probes(run / "probes")
    assert meta["train_config"]["seeds"] == 2
    for kind in ("sae", "raw"):
        mean, info = probes[kind]
        assert isinstance(mean, ProbeMixture) and info.members == {f"{kind}_seed0": 0.5, f"{kind}_seed1": 0.5}
        assert set(info.thresholds) == set(LABELS)
        # Two seeds give two different probes (else the mean would be a copy).
        assert not torch.equal(probes[f"{kind}_seed0"][0].weight, probes[f"{kind}_seed1"][0].weight)
    mix = probes["mix"][1].members
    assert set(mix) == {"sae_seed0", "sae_seed1", "raw_seed0", "raw_seed1"} and sum(mix.values()) == pytest.approx(1)
    assert mix["raw_seed0"] == mix["raw_seed1"] and mix["sae_seed0"] == mix["sae_seed1"]

    # float32: "auto" may round a fused probe's products to bfloat16 and a single seed's not.
    dets = load_systems(run, ["sae", "raw", "mix+rules"], precision="float32")
    # Each kind's seeds run as one fused probe.
    assert [type(p).__name__ for p in dets["mix+rules"].probe.probes] == ["FusedProbes", "FusedProbes"]
    toks = [feat.tokenize(tiny_lm.tokenizer, TEXT)]
    p = {name: d.token_probs([TEXT], toks)[0] for name, d in dets.items()}
    seeds = {n: SAEPIIDetector.from_pretrained(run, probe=n, precision="float32").token_probs([TEXT], toks)[0]
             for n in ("sae_seed0", "sae_seed1")}
    np.testing.assert_allclose(p["sae"], (seeds["sae_seed0"] + seeds["sae_seed1"]) / 2, atol=1e-6)
    w_raw = 2 * mix["raw_seed0"]
    np.testing.assert_allclose(p["mix+rules"], w_raw * p["raw"] + (1 - w_raw) * p["sae"], atol=1e-6)
    det = SAEPIIDetector.from_pretrained(run)
    assert det.info.name == meta["default_probe"] in summary
    assert all(TEXT[s.start:s.end] == s.text for s in det.detect(TEXT))


def test_probe_format_versions(tiny_run_dir, tmp_path):
    """Files of format 1 (before the mixture) still load; an unknown format is refused clearly."""
    shutil.copytree(tiny_run_dir / "probes", tmp_path / "probes")
    meta_path = tmp_path / "probes" / "probes.json"
    meta = json.loads(meta_path.read_text())
    assert meta["format_version"] == 2
    meta["format_version"] = 1
    meta["probes"] = {k: {f: v for f, v in p.items() if f != "members"} for k, p in meta["probes"].items() if k != "mix"}
    meta_path.write_text(json.dumps(meta))
    assert set(load_probes(tmp_path / "probes")[1]) == {"sae", "raw"}
    meta["format_version"] = 99
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="probe format 99, this version reads 1 and 2"):
        load_probes(tmp_path / "probes")


def test_eval_systems_of_a_run_with_the_raw_probe_only(tiny_run_dir, tmp_path):
    """`fit-probes --kinds raw` leaves no SAE probe: the raw systems still load (they need no SAE)."""
    from sae_pii.pii.detector import load_systems

    shutil.copytree(tiny_run_dir, tmp_path / "run")
    meta_path = tmp_path / "run" / "probes" / "probes.json"
    meta = json.loads(meta_path.read_text())
    meta["probes"] = {"raw": meta["probes"]["raw"]}
    meta_path.write_text(json.dumps(meta))
    dets = load_systems(tmp_path / "run", ["raw", "raw+rules"])
    assert dets["raw"].sae is None and dets["raw"].lm is dets["raw+rules"].lm
    assert all(TEXT[s.start:s.end] == s.text for s in dets["raw+rules"].detect(TEXT))
    with pytest.raises(ValueError, match="no 'sae' probe"):
        load_systems(tmp_path / "run", ["sae+rules"])


def test_cli_fit_with_hand_labelled_documents_and_eval_marks_them(tmp_path, tiny_run_dir):
    """`fit-probes --hand-labelled FILE --hand-labelled-repeat N` trains on the synthetic documents
    plus N copies of the file's, records the file in probes.json, and `eval` then says that a score on
    that file is no held-out score; a missing file is a clear error."""
    from sae_pii.cli import app
    from sae_pii.pii.datasets import write_jsonl
    from sae_pii.pii.shapes import PROBE_SHAPES
    from sae_pii.pii.synth import generate

    run = tmp_path / "run"
    shutil.copytree(tiny_run_dir / "sae", run / "sae")
    hand = tmp_path / "hand.jsonl"
    hand.write_text("\n".join(json.dumps({"marked": m}) for m in (
        "Signed: [[PERSON|Wanjiku Otieno]], [[PHONE_NUMBER|0711 092 344]]", "Hai [[PERSON|Putri]], terima kasih")) + "\n")
    other = tmp_path / "other.jsonl"
    write_jsonl(generate(4, "test", 0), other)
    runner = CliRunner()
    args = ["fit-probes", "--model-dir", str(run), "--n-train", "20", "--n-validation", "6", "--epochs", "1",
            "--context", "1", "--kinds", "raw"]
    res = runner.invoke(app, [*args, "--hand-labelled", str(tmp_path / "missing.jsonl")])
    assert res.exit_code == 2 and "missing.jsonl: no such file" in res.output
    res = runner.invoke(app, [*args, "--hand-labelled", str(hand), "--hand-labelled-repeat", "3", "--lexicon-forget", "0"])
    assert res.exit_code == 0, res.output
    meta = json.loads((run / "probes" / "probes.json").read_text())
    assert meta["train_config"]["lexicon_forget"] == 0.0
    assert meta["probes"]["raw"]["shapes"] == list(PROBE_SHAPES)  # the probes' lexicon, not Faker's alone
    data = meta["data"]
    assert data["hand_labelled"] == {"hand.jsonl": 2} and data["hand_labelled_repeat"] == 3
    assert data["train_docs"] == 20 + 2 * 3 and data["validation_docs"] == 6  # by default all train
    assert data["hand_labelled_validation"] == {}
    # Every 2nd hand-labelled document validates (chooses thresholds) instead of training.
    res = runner.invoke(app, [*args, "--hand-labelled", str(hand), "--hand-labelled-repeat", "3",
                              "--hand-labelled-validate-every", "2"])
    assert res.exit_code == 0, res.output
    assert "+ 1 hand-labelled documents of" in res.output and "1 more validate" in res.output
    data = json.loads((run / "probes" / "probes.json").read_text())["data"]
    assert (data["train_docs"], data["validation_docs"]) == (20 + 1 * 3, 6 + 1)
    assert data["hand_labelled"] == {"hand.jsonl": 1} and data["hand_labelled_validation"] == {"hand.jsonl": 1}
    res = runner.invoke(app, ["eval", "--data", str(hand), "--data", str(other), "--model-dir", str(run),
                              "--systems", "raw", "--latency-docs", "0"])
    assert res.exit_code == 0, res.output
    headers = [line for line in res.output.splitlines() if "exact-span F1" in line]
    assert ["TRAINING DATA" in h for h in headers] == [True, False]
    res = runner.invoke(app, ["eval", "--data", str(hand), "--model-dir", str(run), "--systems", "raw",
                              "--latency-docs", "0", "--json"])
    assert json.loads(res.stdout)["seen_in_training"] == [str(hand)]


def test_a_repeated_training_document_runs_through_the_lm_once(tmp_path, tiny_run_dir, tiny_lm, monkeypatch):
    """`--hand-labelled-repeat N` lists a document N times: it is tokenized and run through the LM
    once, and its copies still count N times in the training rows."""
    from sae_pii.pii import features as feat
    from sae_pii.pii import fit
    from sae_pii.pii.probes import ProbeTrainConfig
    from sae_pii.pii.synth import generate
    from sae_pii.sae import SparseAutoencoder

    seen: list[int] = []
    real = feat.doc_activations

    def counting(lm, toks, *args, **kwargs):
        seen.append(len(toks))
        return real(lm, toks, *args, **kwargs)

    monkeypatch.setattr(fit.feat, "doc_activations", counting)
    sae = SparseAutoencoder.from_pretrained(tiny_run_dir)
    synthetic, hand = list(generate(12, "train", 2)), list(generate(3, "test", 2))
    fit.fit_probes(tiny_lm, sae, synthetic + hand * 4, list(generate(6, "validation", 2)), tmp_path / "probes",
                   ProbeTrainConfig(epochs=1, context=1), kinds=("raw",), log=lambda *_: None)
    assert seen[0] == 12 + 3  # the training documents, each once; then the validation documents
    data = json.loads((tmp_path / "probes" / "probes.json").read_text())["data"]
    assert data["train_docs"] == 12 + 3 * 4


def test_fit_probes_cli_defaults_are_the_probe_configs():
    """`sae-pii fit-probes` repeats ProbeTrainConfig's defaults (the CLI imports no torch for --help):
    the two must not drift apart, or the demo fits another recipe than the one documented."""
    from dataclasses import fields

    import typer
    from sae_pii.cli import app
    from sae_pii.pii.probes import ProbeTrainConfig

    params = {p.name: p.default for p in typer.main.get_command(app).commands["fit-probes"].params}
    shared = [f.name for f in fields(ProbeTrainConfig) if f.name in params]
    assert {"epochs", "context", "hidden", "hidden_context", "seed", "seeds", "shapes", "lexicon_forget"} <= set(shared)
    assert {name: params[name] for name in shared} == {name: getattr(ProbeTrainConfig(), name) for name in shared}
