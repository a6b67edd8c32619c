"""bench.pii_experiments: cache activations once, then fit and score a probe recipe on them."""

from __future__ import annotations

import json
import shutil

import pytest
from sae_pii.pii.datasets import write_jsonl
from sae_pii.pii.synth import generate


def test_cache_then_fit_scores_a_recipe(tmp_path, tiny_bert_dir, tiny_lm, tiny_run_dir):
    from bench import pii_experiments as exp

    data = tmp_path / "data"
    for split, n in (("train", 30), ("validation", 10), ("test", 10)):
        write_jsonl(generate(n, split, 0), data / f"{split}.jsonl")
    cache = tmp_path / "cache"
    exp.cache(data, cache, tiny_bert_dir, tiny_lm.layer, presidio=None)
    assert sorted(p.name for p in cache.iterdir()) == ["model.json", "sources.json", "test.safetensors",
                                                      "train.safetensors", "validation.safetensors"]
    out = tmp_path / "scores.json"
    assert exp.main(["fit", "--cache", str(cache), "--run", str(tiny_run_dir), "--kind", "raw",
                     "--config", json.dumps({"epochs": 1, "hidden": 8}), "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["config"]["hidden"] == 8 and report["kind"] == "raw"
    for key in ("validation", "validation+rules", "test", "test+rules"):
        assert 0.0 <= report[key] <= 1.0
    assert "presidio" not in report

    write_jsonl(generate(10, "test", 1), data / "test.jsonl")  # same count, other documents
    with pytest.raises(ValueError, match="run it again"):
        exp.fit(cache, tiny_run_dir, "raw", exp.ProbeTrainConfig(epochs=1), 0)
    write_jsonl(generate(12, "test", 1), data / "test.jsonl")
    with pytest.raises(ValueError, match="run it again"):
        exp.fit(cache, tiny_run_dir, "raw", exp.ProbeTrainConfig(epochs=1), 0)


def test_decode_scores_stored_probabilities_of_a_run(tmp_path, tiny_run_dir, write_presidio):
    """`decode` stores the run's probabilities once and re-decodes them: the same scores as
    `eval`'s exact-span micro F1 for that probe, also with presidio-research addresses joined."""
    from sae_pii.pii.datasets import read_jsonl, read_presidio_research_views
    from sae_pii.pii.detector import load_systems
    from sae_pii.pii.evaluate import span_scores

    from bench import pii_experiments as exp

    test = tmp_path / "test.jsonl"
    write_jsonl(generate(8, "test", 0), test)
    text = "Ship to 12 Main St\nSpringfield for Dana Lee"
    parts = [("STREET_ADDRESS", "12"), ("STREET_ADDRESS", "Main St"), ("GPE", "Springfield"), ("PERSON", "Dana Lee")]
    presidio = write_presidio(tmp_path / "presidio.json", text, parts)
    probs = tmp_path / "probs"
    first = exp.decode_scores(tiny_run_dir, "raw", [test, presidio], probs)
    assert sorted(p.name for p in probs.iterdir()) == ["presidio.raw.safetensors", "test.raw.safetensors"]
    assert exp.decode_scores(tiny_run_dir, "raw", [test, presidio], probs) == first

    det = load_systems(tiny_run_dir, ["raw+rules"])["raw+rules"]
    docs = read_jsonl(test)
    assert first["test.jsonl +rules"] == round(span_scores(docs, det.detect_batch([d.text for d in docs])).micro.f1, 4)
    as_annotated, joined = read_presidio_research_views(presidio)
    preds = det.detect_batch([text])
    assert first["presidio.json (address parts joined) +rules"] == round(span_scores(joined, preds).micro.f1, 4)
    assert first["presidio.json +rules"] == round(span_scores(as_annotated, preds).micro.f1, 4)

    # `--spans` dumps what the rule layer leaves; `spans-diff` counts what changed, true or false
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    exp.decode_scores(tiny_run_dir, "raw", [test], probs, spans_out=before)
    dumped = json.loads(before.read_text())[str(test)]
    assert dumped == [[[s.start, s.end, s.label] for s in d] for d in det.detect_batch([d.text for d in docs])]
    gold = docs[0].spans[0]
    changed = [[list(x) for x in doc] for doc in dumped]
    changed[0] = [x for x in changed[0] if x != [gold.start, gold.end, gold.label]] + [[0, 1, "PERSON"]]
    after.write_text(json.dumps({str(test): changed}))
    counts = exp.spans_diff(before, after)[str(test)]
    was_found = [gold.start, gold.end, gold.label] in dumped[0]
    assert counts == {"gained_true": 0, "gained_false": int([0, 1, "PERSON"] not in dumped[0]),
                      "lost_true": int(was_found), "lost_false": 0}
    assert exp.main(["spans-diff", "--before", str(before), "--after", str(before)]) == 0

    # `misses` counts what eval's per-label table counts, from the same stored probabilities
    person = span_scores(docs, det.detect_batch([d.text for d in docs])).per_label["PERSON"]
    report = exp.misses(tiny_run_dir, "raw", test, probs, "PERSON")
    assert (report["gold"], report["missed"], report["false"]) == (person.tp + person.fn, person.fn, person.fp)
    assert report["missed_outright"] <= report["missed"] and report["false_outright"] <= report["false"]

    write_jsonl(generate(5, "test", 0), test)
    with pytest.raises(ValueError, match="delete it"):
        exp.decode_scores(tiny_run_dir, "raw", [test], probs)
    write_jsonl(generate(8, "test", 0), test)  # the same documents again: readable again
    assert exp.decode_scores(tiny_run_dir, "raw", [test], probs)["test.jsonl +rules"] == first["test.jsonl +rules"]
    # Probabilities stored by other probes are stale: refused, not re-decoded.
    changed_run = tmp_path / "changed_run"
    shutil.copytree(tiny_run_dir, changed_run)
    meta = json.loads((changed_run / "probes" / "probes.json").read_text())
    meta["probes"]["raw"]["thresholds"]["PERSON"] = 0.123
    (changed_run / "probes" / "probes.json").write_text(json.dumps(meta))
    assert exp.probability_inputs(changed_run) != exp.probability_inputs(tiny_run_dir)
    with pytest.raises(ValueError, match="stored by other probes"):
        exp.decode_scores(changed_run, "raw", [test], probs)
    other = tmp_path / "other" / "test.jsonl"  # another file of the same name: never read the stored one
    other.parent.mkdir()
    write_jsonl(generate(5, "test", 3), other)
    with pytest.raises(ValueError, match="another --probs folder"):
        exp.decode_scores(tiny_run_dir, "raw", [other], probs)


def test_gpu_probe_fit_prepares_a_carry_folder_and_runs_from_it(tmp_path, tiny_run_dir, write_presidio):
    """bench.gpu_probe_fit: the carried model (cut after the SAE's layer, float16 on disk) loads as
    float32 and gives the run's activations; `run` fits and evaluates from the folder wherever it
    landed (here on the CPU, at toy size)."""
    import shutil

    import torch
    from sae_pii.lm import TruncatedLM
    from sae_pii.sae import SparseAutoencoder

    from bench import gpu_probe_fit

    presidio = tmp_path / "presidio"
    presidio.mkdir()
    for name in gpu_probe_fit.PRESIDIO_FILES:
        write_presidio(presidio / name, "Call Dana Lee", [("PERSON", "Dana Lee")])
    carry = tmp_path / "carry"
    gpu_probe_fit.prepare(tiny_run_dir, carry, presidio)
    assert json.loads((carry / "model" / "config.json").read_text())["dtype"] == "float32"
    sae = SparseAutoencoder.from_pretrained(tiny_run_dir)
    full = TruncatedLM.from_pretrained(sae.cfg.model_name, sae.cfg.hook_layer)
    carried = TruncatedLM.from_pretrained(str(carry / "model"), sae.cfg.hook_layer)
    assert next(carried.model.parameters()).dtype == torch.float32
    ids = torch.tensor([full.tokenizer("Call Dana Lee at 555-0192")["input_ids"]])
    with torch.inference_mode():
        a, b = full(ids, torch.ones_like(ids)), carried(ids, torch.ones_like(ids))
    assert float((a - b).norm() / a.norm()) < 1e-2

    moved = tmp_path / "elsewhere"
    shutil.move(carry, moved)
    times = gpu_probe_fit.run(moved, tmp_path / "out", n_train=30, device="cpu", n_test=20, n_validation=10)
    assert set(times) == {"synth-data", "fit-probes", "eval"}, (tmp_path / "out" / "fit-probes.log").read_text()
    report = json.loads((tmp_path / "out" / "eval.json").read_text())
    assert len(report["datasets"]) == 3 and all("mix+rules" in r for r in report["datasets"].values())


def test_pooled_sums_an_eval_reports_files(tmp_path):
    """`pooled` adds the chosen files' counts per label and takes F1 of the sums (not the mean of
    the files' F1), beside the mean of their micro F1."""
    from bench import pii_experiments as exp

    def scores(person, street, micro):
        return {"mix+rules": {"exact_span": {"micro": {"f1": micro}, "per_label": {
            "PERSON": dict(zip(("tp", "fp", "fn"), person)), "STREET_ADDRESS": dict(zip(("tp", "fp", "fn"), street))}}}}
    report = tmp_path / "eval.json"
    report.write_text(json.dumps({"datasets": {
        "tests/data/realistic_pii_f.jsonl": scores((8, 2, 0), (1, 0, 1), 0.9),
        "tests/data/realistic_pii_l.jsonl": scores((0, 0, 10), (3, 1, 0), 0.5),
        "data/pii/test.jsonl": scores((100, 0, 0), (100, 0, 0), 1.0)}}))
    out = exp.pooled(report, ["_f.jsonl", "_l.jsonl"])
    assert out["per_label"]["PERSON"] == {"tp": 8, "fp": 2, "fn": 10, "f1": round(16 / 28, 4)}
    assert out["per_label"]["STREET_ADDRESS"]["f1"] == round(8 / 10, 4)
    assert out["micro_f1"] == round(24 / 38, 4) and out["mean_file_micro_f1"] == 0.7
    assert len(exp.pooled(report, [])["files"]) == 3
    with pytest.raises(ValueError, match="no file ends with"):
        exp.pooled(report, ["_z.jsonl"])
    assert exp.main(["pooled", "--eval", str(report), "--file", "_f.jsonl"]) == 0


def test_lexicon_coverage_counts_capitalised_words_in_and_outside_names(tmp_path):
    from bench import pii_experiments as exp

    data = tmp_path / "docs.jsonl"
    data.write_text(json.dumps({"marked": "Dear [[PERSON|Maria Qzxwv]], Invoice from Schmidt Ltd. I paid."}) + "\n")
    out = exp.lexicon_coverage([data])
    # Names: "Maria" known, "Qzxwv" not. Elsewhere: "Dear", "Invoice", "Schmidt" (a surname), "Ltd"; "I" is one letter.
    assert out["in_names"] == {"words": 2, "known": 0.5}
    assert out["elsewhere"]["words"] == 4 and out["elsewhere"]["known"] >= 0.25
    assert exp.main(["lexicon-coverage", "--data", str(data)]) == 0
    # The rule layer's lexicon (Faker's and the census's names) knows all Faker knows, not "Qzxwv".
    common = exp.lexicon_coverage([data], "common")
    assert common["in_names"] == out["in_names"] and common["elsewhere"]["known"] >= out["elsewhere"]["known"]
    # The probes' lexicon: the census's "Kowalczyk" yes, its "Gracias" (Spanish for "thanks") no.
    data.write_text(json.dumps({"marked": "[[PERSON|Anna Kowalczyk]] wrote Gracias"}) + "\n")
    probe = exp.lexicon_coverage([data], "probe")
    assert probe["in_names"] == {"words": 2, "known": 1.0} and probe["elsewhere"] == {"words": 1, "known": 0.0}
    assert exp.lexicon_coverage([data], "common")["elsewhere"]["known"] == 1.0
