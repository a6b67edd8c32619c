"""Probe experiments without re-running the LM: cache activations once, then fit and score many
probe recipes on them (docs/pii.md, "How the numbers moved").

    python -m bench.pii_experiments cache --data data/pii --out /tmp/pii-cache [--layer 3]
    python -m bench.pii_experiments fit --cache /tmp/pii-cache --run models/sae-trained \
        --kind raw --config '{"hidden": 128, "context": 2, "hidden_context": 2}'
    python -m bench.pii_experiments decode --run models/sae-trained --probe mix --probs /tmp/pii-probs \
        --data data/pii/validation.jsonl --data data/pii/test.jsonl --data ../shared/data/presidio-research/synth_dataset_v2.json

`cache` runs the truncated LM once over train/validation/test JSONL (and the presidio-research
files) and stores each split's activations as float16 safetensors (one [T, d] tensor per split and
the documents' token counts; the documents themselves are re-read from their files). `fit` fits
one probe with a `ProbeTrainConfig` given as JSON, picks thresholds on validation, and prints the
exact-span micro F1 with and without the rule layer on validation, test and presidio-research:
the numbers `fit-probes` + `eval` would give for that recipe, minutes faster per try.

`decode` scores decoding changes on a fitted run: the first call stores the run's token
probabilities for each file under `--probs` (safetensors), later calls only re-decode them with
the current decode.py and rules, in seconds (exact-span micro F1 with and without the rule layer;
presidio-research files also with their address parts joined, as `eval` reports them). Stored
probabilities that other probes, another SAE or other probe-input code produced are refused
(`probability_inputs`), not silently re-decoded;
`--thresholds '{"PERSON": 0.8}'` re-decodes with some labels' thresholds replaced. `misses` reads
the same stored probabilities and says where one label fails on one file (the figures of
docs/pii.md "Known limits"):

    python -m bench.pii_experiments misses --probs /tmp/pii-probs --label PERSON \
        --data ../shared/data/presidio-research/synth_dataset_v2.json

`decode --spans OUT` also writes every span the rule layer leaves; `spans-diff` compares two such
dumps (one decoded before a rule change, one after) and counts the spans gained and lost, true or
false, file by file: how the twelfth session checked that its rules lost no gold span.

    python -m bench.pii_experiments spans-diff --before /tmp/before.json --after /tmp/after.json

`pooled` sums an `sae-pii eval --out` report over several files (the held-out sets as one): per
label the spans found, missed and spurious and their F1, and the mean of the files' micro F1.
`lexicon-coverage` says how many capitalised words inside and outside gold names the name lexicon
knows (the figures behind the probes' lexicon columns, shapes.py):

    python -m bench.pii_experiments pooled --eval models/sae-trained/eval.json --file _f.jsonl --file _l.jsonl
    python -m bench.pii_experiments lexicon-coverage --data tests/data/realistic_pii_b.jsonl [--lexicon common]

`decode-time` times the decoding alone (the "decode + rules" stage of bench.detector, apart from the
model and the machine's slow stretches: best of 7 rounds of 20 calls) on the benchmark document:

    python -m bench.pii_experiments decode-time [--tokens 512]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import time
import timeit
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from sae_pii.pii import features as feat
from sae_pii.pii.align import token_labels
from sae_pii.pii.datasets import JOINED_VIEW, is_presidio_research, read_any, read_presidio_research_views
from sae_pii.pii.decode import decode
from sae_pii.pii.evaluate import PRF, Scores, filter_ignored, span_scores
from sae_pii.pii.fit import (
    choose_thresholds,
    detection_shapes,
    pack_training_features,
    probe_probs,
    sae_features,
    training_shapes,
)
from sae_pii.pii.labels import CLASSES
from sae_pii.pii.probes import ProbeTrainConfig, train_probe
from safetensors import safe_open
from safetensors.torch import load_file, save_file

WORD = re.compile(r"[^\W\d_]+")
PRESIDIO = Path(__file__).resolve().parents[2] / "shared" / "data" / "presidio-research" / "synth_dataset_v2.json"
SPLITS = ("train", "validation", "test")


def cache(data_dir: Path, out_dir: Path, model: str, layer: int, presidio: Path | None = PRESIDIO) -> None:
    from sae_pii.lm import TruncatedLM

    lm = TruncatedLM.from_pretrained(model, layer)
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = {split: data_dir / f"{split}.jsonl" for split in SPLITS}
    if presidio is not None and presidio.is_file():
        sources["presidio"] = presidio
    (out_dir / "sources.json").write_text(json.dumps({k: str(v) for k, v in sources.items()}, indent=2))
    (out_dir / "model.json").write_text(json.dumps({"model": model, "layer": layer}) + "\n")
    for split, path in sources.items():
        t0 = time.perf_counter()
        docs = read_any(path)
        toks = [feat.tokenize(lm.tokenizer, d.text) for d in docs]
        acts = feat.doc_activations(lm, toks, feat.DEFAULT_WINDOW, feat.DEFAULT_OVERLAP)
        save_file({"acts": torch.cat(acts).half().contiguous(),
                   "lengths": torch.tensor([len(a) for a in acts], dtype=torch.int64)},
                  str(out_dir / f"{split}.safetensors"), metadata={"model": model, "layer": str(layer)})
        print(f"{split}: {len(docs)} documents, {sum(len(a) for a in acts)} tokens ({time.perf_counter() - t0:.0f}s)")


def _load(cache_dir: Path, split: str, limit: int = 0):
    sources = json.loads((cache_dir / "sources.json").read_text())
    docs = read_any(sources[split])
    tensors = load_file(str(cache_dir / f"{split}.safetensors"))
    acts = list(torch.split(tensors["acts"], tensors["lengths"].tolist()))
    if len(acts) != len(docs):
        raise ValueError(f"{cache_dir}/{split}.safetensors holds {len(acts)} documents, {sources[split]} "
                         f"{len(docs)}: the data changed since `cache`; run it again")
    return (docs[:limit], acts[:limit]) if limit else (docs, acts)


def fit(cache_dir: Path, run_dir: Path, kind: str, cfg: ProbeTrainConfig, n_train: int) -> dict:
    from sae_pii.lm import TruncatedLM
    from sae_pii.sae import SparseAutoencoder

    sae = SparseAutoencoder.from_pretrained(run_dir).eval()
    cached = json.loads((cache_dir / "model.json").read_text())
    if kind == "sae" and int(cached["layer"]) != int(sae.cfg.hook_layer):
        raise ValueError(f"{cache_dir} holds layer {cached['layer']} activations but the SAE in {run_dir} reads "
                         f"layer {sae.cfg.hook_layer}: cache again with --layer {sae.cfg.hook_layer}")
    tokenizer = TruncatedLM.from_pretrained(cached["model"], int(cached["layer"])).tokenizer

    def split_features(split: str, limit: int = 0):
        docs, acts = _load(cache_dir, split, limit)
        toks = [feat.tokenize(tokenizer, d.text) for d in docs]
        if any(len(t.ids) != len(a) for t, a in zip(toks, acts)):
            raise ValueError(f"{cache_dir}/{split}: token counts differ from the cached activations: the data "
                             "changed since `cache`; run it again")
        acts = [a.float() for a in acts]
        if split == "train":  # as fit-probes trains: the name lexicon forgets some words
            return docs, toks, acts, training_shapes(docs, toks, cfg)
        return docs, toks, acts, detection_shapes(docs, toks, cfg)

    t0 = time.perf_counter()
    docs, toks, acts, shapes = split_features("train", n_train)
    labels = [token_labels(t.offsets, d.spans, d.ignore) for t, d in zip(toks, docs)]
    packed, index, _ = pack_training_features(kind, sae, acts, shapes, labels, cfg)  # as fit-probes does
    del acts
    probe = train_probe(packed, cfg, log=print, n_shapes=len(cfg.shape_features))
    probe.feature_index = index
    del packed
    report: dict = {"kind": kind, "config": cfg.__dict__, "fit_seconds": round(time.perf_counter() - t0, 1)}

    def probs(acts, shapes):
        return probe_probs(probe, sae_features(sae, acts) if kind == "sae" else acts, shapes)

    docs, toks, acts, shapes = split_features("validation")
    thresholds, _ = choose_thresholds(docs, toks, probs(acts, shapes))
    report["thresholds"] = thresholds
    for split in ("validation", "test", "presidio"):
        if split != "validation":
            if split == "presidio" and not (cache_dir / "presidio.safetensors").is_file():
                continue
            docs, toks, acts, shapes = split_features(split)
        p = probs(acts, shapes)
        for rules in (False, True):
            preds = [decode(d.text, t.offsets, q, thresholds, validators=rules) for d, t, q in zip(docs, toks, p)]
            scores = span_scores(docs, preds)
            key = f"{split}{'+rules' if rules else ''}"
            report[key] = round(scores.micro.f1, 4)
            print(f"{key:18} exact-span micro F1 {scores.micro.f1:.4f}  " + " ".join(
                f"{lab[:6]}={m.f1:.2f}" for lab, m in scores.per_label.items() if m.tp + m.fn > 0), flush=True)
    return report


# The code the probabilities come from (tokenizing, windows, token shapes, the probes' forward); the
# rule layer's code is left out on purpose: `decode` re-decodes the same probabilities under new rules.
PROBABILITY_CODE = ("features.py", "shapes.py", "probes.py", "detector.py")


@lru_cache(maxsize=4)  # one command, one state of the code and files
def probability_inputs(run_dir: Path) -> str:
    """A fingerprint of what a run's token probabilities depend on: the run's SAE and probe files, the
    code in PROBABILITY_CODE and the word lists of the probes' lexicon columns. Probabilities stored
    under another fingerprint are stale."""
    import sae_pii.pii as pii_package
    from sae_pii.pii.name_lexicon import faker_person_words, probe_person_words

    digest = hashlib.sha256()
    for folder in (run_dir / "sae", run_dir / "probes"):
        for file in sorted(folder.glob("*")):
            if file.suffix in (".json", ".safetensors"):
                digest.update(file.name.encode() + b"\0" + file.read_bytes())
    code = Path(pii_package.__file__).parent
    for name in PROBABILITY_CODE:
        digest.update((code / name).read_bytes())
    for words in (faker_person_words, probe_person_words):
        for kinds in (("first_name",), ("last_name",)):
            digest.update("\n".join(sorted(words(kinds))).encode())
    return digest.hexdigest()[:16]


def _stored_probs(run_dir: Path, probe: str, path: Path, docs: list, probs_dir: Path, dets: dict):
    """(offsets, probabilities, thresholds) of the run's `probe` on the documents of `path`: stored
    under `probs_dir` on the first call (one detector pass, kept in `dets`), read back after, as long
    as the run's probability_inputs are the same."""
    from sae_pii.pii.detector import SAEPIIDetector

    probs_dir.mkdir(parents=True, exist_ok=True)
    stored = probs_dir / f"{path.stem}.{probe}.safetensors"
    source = str(path.resolve())
    inputs = probability_inputs(run_dir)
    if not stored.is_file():
        if probe not in dets:
            dets[probe] = SAEPIIDetector.from_pretrained(run_dir, probe=probe)
        det = dets[probe]
        texts = [d.text for d in docs]
        toks = [feat.tokenize(det.lm.tokenizer, t) for t in texts]
        probs = [p for i in range(0, len(texts), 64) for p in det.token_probs(texts[i:i + 64], toks[i:i + 64])]
        save_file({"probs": torch.from_numpy(np.concatenate(probs)),
                   "offsets": torch.from_numpy(np.concatenate([t.offsets for t in toks])),
                   "lengths": torch.tensor([len(t.offsets) for t in toks])}, str(stored),
                  metadata={"thresholds": json.dumps(det.thresholds), "source": source, "inputs": inputs})
    with safe_open(str(stored), "pt") as fh:
        meta, tensors = fh.metadata(), {k: fh.get_tensor(k) for k in ("probs", "offsets", "lengths")}
    if meta.get("source", source) != source:  # two files of one name ("test.jsonl") share the name here
        raise ValueError(f"{stored} holds the probabilities of {meta['source']}, not {source}: "
                         "give this file another --probs folder")
    if meta.get("inputs") != inputs:
        raise ValueError(f"{stored} was stored by other probes, another SAE or other probe-input code (token "
                         f"shapes, name lexicon, windows): delete it to store the probabilities anew")
    if len(tensors["lengths"]) != len(docs):
        raise ValueError(f"{stored} holds {len(tensors['lengths'])} documents, {path} {len(docs)}: delete it")
    lengths = tensors["lengths"].tolist()
    return ([o.numpy() for o in tensors["offsets"].split(lengths)], [p.numpy() for p in tensors["probs"].split(lengths)],
            json.loads(meta["thresholds"]))


def decode_scores(run_dir: Path, probe: str, data: list[Path], probs_dir: Path,
                  thresholds_override: dict[str, float] | None = None, spans_out: Path | None = None) -> dict:
    """Exact-span micro F1 of the run's `probe` on each file, decoded now from stored probabilities
    (with some labels' thresholds replaced by `thresholds_override`, when given). `spans_out`: also
    write every span the rule layer leaves, per file and document, for `spans_diff`."""
    dets: dict = {}
    report = {}
    spans: dict[str, list] = {}
    for path in data:
        if is_presidio_research(path):
            docs, joined = read_presidio_research_views(path)
            views = {path.name: docs, f"{path.name} ({JOINED_VIEW})": joined}
        else:
            docs = read_any(path)
            views = {path.name: docs}
        offsets, probs, thresholds = _stored_probs(run_dir, probe, path, docs, probs_dir, dets)
        thresholds = {**thresholds, **(thresholds_override or {})}
        for rules in (False, True):
            preds = [decode(d.text, o, p, thresholds, validators=rules) for d, o, p in zip(docs, offsets, probs)]
            for name, gold in views.items():
                key = f"{name}{' +rules' if rules else ''}"
                report[key] = round(span_scores(gold, preds).micro.f1, 4)
                print(f"{key:55} exact-span micro F1 {report[key]:.4f}", flush=True)
        spans[str(path)] = [[[s.start, s.end, s.label] for s in doc] for doc in preds]  # (the pass with rules)
    if spans_out is not None:
        spans_out.write_text(json.dumps(spans) + "\n")
    return report


def spans_diff(before: Path, after: Path) -> dict:
    """What a decoding change did, file by file, from two `decode --spans` dumps of the same files:
    spans gained and lost, each a true one (in the file's gold) or a false one. Counts only: run it
    on held-out sets without reading them."""
    old, new = json.loads(before.read_text()), json.loads(after.read_text())
    report = {}
    for name in old:
        gold = [{(s.start, s.end, s.label) for s in d.spans} for d in read_any(Path(name))]
        counts = dict.fromkeys(("gained_true", "gained_false", "lost_true", "lost_false"), 0)
        for truth, a, b in zip(gold, old[name], new[name]):
            a, b = set(map(tuple, a)), set(map(tuple, b))
            for span in b - a:
                counts["gained_true" if span in truth else "gained_false"] += 1
            for span in a - b:
                counts["lost_true" if span in truth else "lost_false"] += 1
        report[name] = counts
        if any(counts.values()):
            print(f"{name:55} " + " ".join(f"{k} {v}" for k, v in counts.items()), flush=True)
    return report


def decode_time(run_dir: Path, probe: str, n_tokens: int = 512, number: int = 20, repeat: int = 7) -> dict:
    """Milliseconds per decode of the benchmark document (bench.detector's sample ticket cut to
    `n_tokens`), with and without the rule layer: the best of `repeat` rounds of `number` calls, so
    a slow stretch of a shared machine does not count."""
    from sae_pii.pii.detector import SAEPIIDetector

    from bench.detector import _document

    det = SAEPIIDetector.from_pretrained(run_dir, probe=probe)
    text = _document(det.lm.tokenizer, n_tokens)
    tok = feat.tokenize(det.lm.tokenizer, text)
    probs = det.token_probs([text], [tok])[0]
    report = {}
    for rules in (False, True):
        def run(rules=rules):
            return decode(text, tok.offsets, probs, det.thresholds, validators=rules)

        run()  # the rule layer's word lists load on the first call
        best = min(timeit.repeat(run, number=number, repeat=repeat)) / number * 1000
        report[f"decode{' + rules' if rules else ''}"] = round(best, 2)
        print(f"decode{' + rules' if rules else '':8} {n_tokens} tokens: {best:.2f} ms (best of {repeat} x {number})")
    return report


def misses(run_dir: Path, probe: str, path: Path, probs_dir: Path, label: str) -> dict:
    """Where `label` fails on one file (with the rule layer, as annotated, scored like `eval`):
    exact-span misses and false spans; the false spans that touch no gold span ("false outright");
    the gold spans no predicted span touches ("missed outright") with the quartiles of their mean
    probability of `label`, to read against its threshold."""
    docs = read_any(path)
    offsets, probs, thresholds = _stored_probs(run_dir, probe, path, docs, probs_dir, {})
    cls = CLASSES.index(label)
    n_gold = missed = false = false_outright = 0
    outright: list[float] = []
    for d, o, p in zip(docs, offsets, probs):
        pred = filter_ignored(decode(d.text, o, p, thresholds, validators=True), d.spans, d.ignore)
        found = {(s.start, s.end) for s in pred if s.label == label}
        gold = [s for s in d.spans if s.label == label]
        n_gold += len(gold)
        missed += sum((s.start, s.end) not in found for s in gold)
        false += len(found - {(s.start, s.end) for s in gold})
        false_outright += sum(not any(g.start < b and a < g.end for g in d.spans) for a, b in found)
        for s in gold:
            inside = [i for i, (a, b) in enumerate(o) if s.start <= a and b <= s.end and b > a]
            if inside and not any(q.start < s.end and s.start < q.end for q in pred):
                outright.append(float(p[inside, cls].mean()))
    report = {"label": label, "gold": n_gold, "missed": missed,
              "false": false, "false_outright": false_outright, "missed_outright": len(outright), "threshold": thresholds[label],
              "outright_probability_quartiles": [round(float(q), 2) for q in np.quantile(outright, [0.25, 0.5, 0.75])]
              if outright else []}
    print(json.dumps(report))
    return report


def pooled(eval_json: Path, files: list[str], system: str = "mix+rules") -> dict:
    """Exact-span figures of an `sae-pii eval --out` report summed over the files whose names end
    with one of `files` (all files if none): per label tp / fp / fn and F1 over their spans together,
    and the mean of the files' micro F1."""
    datasets = json.loads(eval_json.read_text())["datasets"]
    chosen = {name: d[system]["exact_span"] for name, d in datasets.items()
              if not files or any(name.endswith(f) for f in files)}
    if not chosen:
        raise ValueError(f"{eval_json}: no file ends with any of {files}; it holds {sorted(datasets)}")
    total = Scores(per_label={})
    for scores in chosen.values():
        for label, m in scores["per_label"].items():
            counts = total.per_label.setdefault(label, PRF())
            counts.tp, counts.fp, counts.fn = counts.tp + m["tp"], counts.fp + m["fp"], counts.fn + m["fn"]
    labels = {label: {"tp": c.tp, "fp": c.fp, "fn": c.fn, "f1": round(c.f1, 4)} for label, c in total.per_label.items()}
    for label, t in labels.items():
        print(f"{label:20} tp {t['tp']:5} fp {t['fp']:5} fn {t['fn']:5}  F1 {t['f1']:.4f}")
    report = {"files": sorted(chosen), "per_label": labels, "micro_f1": round(total.micro.f1, 4),
              "mean_file_micro_f1": round(sum(s["micro"]["f1"] for s in chosen.values()) / len(chosen), 4)}
    print(f"{len(chosen)} files: pooled micro F1 {report['micro_f1']:.4f}, mean of the files' micro F1 "
          f"{report['mean_file_micro_f1']:.4f}")
    return report


def lexicon_coverage(data: list[Path], lexicon: str = "faker") -> dict:
    """Of the capitalised words (two letters or more) inside gold PERSON spans and outside them, the
    share a name lexicon knows: "faker" (a given name or a surname of Faker's lists: the lexicon
    columns of probes fitted before the fifteenth session), "common" (those and the US census's common
    names: the rule layer's lexicon) or "probe" ("common" less the census's words frequent in any of
    27 languages: the lexicon columns of probes fitted now)."""
    from sae_pii.pii.name_lexicon import faker_person_words, known_names, plain, probe_person_words

    known = {"faker": lambda: faker_person_words(("first_name", "last_name")), "common": known_names,
             "probe": lambda: probe_person_words(("first_name", "last_name"))}[lexicon]()
    counts = {"in_names": [0, 0], "elsewhere": [0, 0]}  # [known, all]
    for path in data:
        for doc in read_any(path):
            names = [(s.start, s.end) for s in doc.spans if s.label == "PERSON"]
            for m in WORD.finditer(doc.text):
                if len(m.group()) < 2 or not m.group()[0].isupper():
                    continue
                where = "in_names" if any(a <= m.start() < b for a, b in names) else "elsewhere"
                counts[where][0] += plain(m.group()) in known
                counts[where][1] += 1
    report = {where: {"words": n, "known": round(k / n, 4) if n else 0.0} for where, (k, n) in counts.items()}
    for where, r in report.items():
        print(f"capitalised words {where:10} {r['words']:7}  in the {lexicon} lexicon {r['known']:.1%}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("cache", help="run the LM once over the splits and store activations")
    c.add_argument("--data", type=Path, default=Path("data/pii"), help="folder with train/validation/test.jsonl")
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--model", default="all-MiniLM-L6-v2")
    c.add_argument("--layer", type=int, default=3)
    c.add_argument("--presidio", type=Path, default=PRESIDIO, help="presidio-research file scored beside the splits")
    f = sub.add_parser("fit", help="fit one probe recipe on cached activations and score it")
    f.add_argument("--cache", type=Path, required=True)
    f.add_argument("--run", type=Path, default=Path("models/sae-trained"), help="run dir holding the SAE")
    f.add_argument("--kind", choices=("sae", "raw"), default="raw")
    f.add_argument("--config", default="{}", help="ProbeTrainConfig fields as JSON")
    f.add_argument("--n-train", type=int, default=0, help="fit on the first N training documents (0: all)")
    f.add_argument("--out", type=Path, help="also write the scores as JSON here")
    d = sub.add_parser("decode", help="score the current decoding on a fitted run's stored probabilities")
    d.add_argument("--run", type=Path, default=Path("models/sae-trained"))
    d.add_argument("--probe", default="mix", help="sae, raw or mix")
    d.add_argument("--data", type=Path, action="append", required=True, help="JSONL or presidio-research file; repeatable")
    d.add_argument("--probs", type=Path, required=True, help="folder for the stored probabilities")
    d.add_argument("--thresholds", default="{}", help='replace some labels\' thresholds, as JSON: {"PERSON": 0.8}')
    d.add_argument("--spans", type=Path, help="also write the spans left by the rule layer here (for spans-diff)")
    sd = sub.add_parser("spans-diff", help="spans gained and lost between two `decode --spans` dumps, true or false")
    sd.add_argument("--before", type=Path, required=True)
    sd.add_argument("--after", type=Path, required=True)
    t = sub.add_parser("decode-time", help="milliseconds per decode of the benchmark document, with and without rules")
    t.add_argument("--run", type=Path, default=Path("models/sae-trained"))
    t.add_argument("--probe", default="mix", help="sae, raw or mix")
    t.add_argument("--tokens", type=int, default=512)
    po = sub.add_parser("pooled", help="an eval report's exact-span figures summed over several files")
    po.add_argument("--eval", type=Path, required=True, help="JSON written by `sae-pii eval --out`")
    po.add_argument("--file", action="append", default=[], help="a file name's ending (repeatable; none: all files)")
    po.add_argument("--system", default="mix+rules")
    lc = sub.add_parser("lexicon-coverage", help="capitalised words in and outside gold names the name lexicon knows")
    lc.add_argument("--data", type=Path, action="append", required=True, help="JSONL or presidio-research file; repeatable")
    lc.add_argument("--lexicon", choices=("faker", "common", "probe"), default="faker",
                    help="Faker's lists; those and the US census's common names (common_names.py); or the probes' "
                         "lexicon (name_lexicon.probe_person_words)")
    m = sub.add_parser("misses", help="where one label fails on one file, from stored probabilities")
    m.add_argument("--run", type=Path, default=Path("models/sae-trained"))
    m.add_argument("--probe", default="mix", help="sae, raw or mix")
    m.add_argument("--data", type=Path, required=True, help="JSONL or presidio-research file")
    m.add_argument("--probs", type=Path, required=True, help="folder for the stored probabilities")
    m.add_argument("--label", default="PERSON")
    args = parser.parse_args(argv)
    if args.command == "cache":
        cache(args.data, args.out, args.model, args.layer, args.presidio)
        return 0
    if args.command == "misses":
        misses(args.run, args.probe, args.data, args.probs, args.label)
        return 0
    if args.command == "decode-time":
        decode_time(args.run, args.probe, args.tokens)
        return 0
    if args.command == "decode":
        decode_scores(args.run, args.probe, args.data, args.probs, json.loads(args.thresholds), args.spans)
        return 0
    if args.command == "spans-diff":
        spans_diff(args.before, args.after)
        return 0
    if args.command == "pooled":
        pooled(args.eval, args.file, args.system)
        return 0
    if args.command == "lexicon-coverage":
        lexicon_coverage(args.data, args.lexicon)
        return 0
    report = fit(args.cache, args.run, args.kind, ProbeTrainConfig(**json.loads(args.config)), args.n_train)
    if args.out:
        args.out.write_text(json.dumps(report, indent=2, default=float) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
