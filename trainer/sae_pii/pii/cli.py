"""PII commands of `sae-pii`: synth-data, fit-probes, eval, detect, redact.

Heavy imports (torch, transformers, presidio) happen inside the commands so `--help` stays fast.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

DEFAULT_RUN_DIR = Path("models/sae-trained")
PROBE_HELP = ("sae, raw or mix (the mean of both); default: the one fit-probes found best on validation "
              "(probes.json default_probe)")
PRECISION_HELP = ("dtype of the model's forward (autocast), the SAE encoder's and the probes' products: auto "
                  "(bfloat16 where this CPU multiplies it 2x faster or more, else float32), float32 or bfloat16")


def _probes_meta(model_dir: Path) -> dict:
    """probes.json of a run, or {} (load_systems reports a missing or broken file)."""
    try:
        return json.loads((model_dir / "probes" / "probes.json").read_text())
    except (OSError, ValueError):
        return {}


def _default_systems(meta: dict) -> list[str]:
    """What `eval` compares unless told: both probes with and without rules, the mixture, Presidio."""
    mix = "mix" in meta.get("probes", {})
    return ["sae", "sae+rules", "raw", "raw+rules"] + (["mix+rules"] if mix else []) + ["presidio"]


def _default_system(meta: dict, names: list[str]) -> str:
    """The evaluated system the detector runs by default (probes.json), else the first one."""
    default = meta.get("default_probe", "") + ("+rules" if meta.get("validators") else "")
    return default if default in names else names[0]


def _fail(msg: str, code: int = 2):
    typer.echo(f"error: {msg}", err=True)
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    @app.command("synth-data", help="Write synthetic labelled PII documents (train/validation/test JSONL, split by template).")
    def synth_data(
        out_dir: Annotated[Path, typer.Option(help="folder for train.jsonl, validation.jsonl, test.jsonl")] = Path("data/pii"),
        n_train: Annotated[int, typer.Option(min=1)] = 12000, n_validation: Annotated[int, typer.Option(min=1)] = 600,
        n_test: Annotated[int, typer.Option(min=1)] = 1000, seed: Annotated[int, typer.Option()] = 0,
    ):
        from sae_pii.pii.datasets import write_jsonl
        from sae_pii.pii.synth import generate

        for split, n in (("train", n_train), ("validation", n_validation), ("test", n_test)):
            path = out_dir / f"{split}.jsonl"
            write_jsonl(generate(n, split, seed), path)
            typer.echo(f"wrote {n} {split} documents to {path}")

    @app.command("fit-probes", help="Fit the SAE-latent probe and the raw-activation probe; writes MODEL_DIR/probes/.")
    def fit_probes_cmd(
        model_dir: Annotated[Path, typer.Option(help="run directory of `sae-pii train` (holds the SAE)")] = DEFAULT_RUN_DIR,
        train: Annotated[Path | None, typer.Option(help="training JSONL (default: generate --n-train documents)")] = None,
        hand_labelled: Annotated[list[Path] | None, typer.Option(
            help="hand-labelled realistic JSONL added to the training documents (repeatable); `eval` marks "
                 "these files as seen in training")] = None,
        hand_labelled_repeat: Annotated[int, typer.Option(
            min=1, help="times each hand-labelled document is seen per epoch (they are few beside the synthetic ones)")] = 1,
        hand_labelled_validate_every: Annotated[int, typer.Option(
            min=0, help="every N-th document of each hand-labelled file joins the validation documents (which "
                        "choose the thresholds, the mixture and the default) instead of training; 0: all train "
                        "(5 was tried: docs/pii.md, eighteenth session)")] = 0,
        validation: Annotated[Path | None, typer.Option(help="validation JSONL for thresholds (default: generate)")] = None,
        n_train: Annotated[int, typer.Option(min=1)] = 12000, n_validation: Annotated[int, typer.Option(min=1)] = 600,
        seed: Annotated[int, typer.Option()] = 0,
        seeds: Annotated[int, typer.Option(
            min=1, help="probes of each kind fit with seeds SEED, SEED+1, ...; the detector averages them")] = 2,
        epochs: Annotated[int, typer.Option(min=1)] = 8,
        context: Annotated[int, typer.Option(min=0, help="neighbour tokens each side the probe's first layer reads")] = 2,
        hidden: Annotated[int, typer.Option(min=0, help="hidden GELU units of the probe (0: a linear probe)")] = 128,
        hidden_context: Annotated[int, typer.Option(min=0, help="neighbour hidden units each side the output reads")] = 2,
        kinds: Annotated[str, typer.Option(help="which probes: sae, raw or both (both also writes the mixture 'mix')")] = "sae,raw",
        shapes: Annotated[bool, typer.Option(help="probes also read token shapes: capitalisation, digits, line and sentence starts, name-lexicon words")] = True,
        lexicon_forget: Annotated[float, typer.Option(
            min=0.0, max=1.0, help="share of each training document's words the name lexicon forgets (0: none)")] = 0.1,
        device: Annotated[str, typer.Option(help="where the LM and the SAE run and the probes train")] = "cpu",
        workers: Annotated[int | None, typer.Option(
            min=1, help="on a CPU, worker processes that train the probes side by side (default: one per "
                        "thread torch uses; 1 trains them here, one after the other)")] = None,
    ):
        from sae_pii.lm import TruncatedLM
        from sae_pii.pii.datasets import every_nth_apart, read_jsonl
        from sae_pii.pii.fit import fit_probes
        from sae_pii.pii.probes import ProbeTrainConfig
        from sae_pii.pii.synth import generate
        from sae_pii.sae import SparseAutoencoder

        kind_list = [k.strip() for k in kinds.split(",") if k.strip()]
        if not kind_list or any(k not in ("sae", "raw") for k in kind_list):
            _fail(f"--kinds takes 'sae', 'raw' or 'sae,raw', not {kinds!r}")
        if not model_dir.is_dir():
            _fail(f"{model_dir}: no such run directory; train an SAE first: sae-pii train --config cpu-demo --out-dir {model_dir}")
        try:
            sae = SparseAutoencoder.from_pretrained(model_dir, device=device)
        except (FileNotFoundError, ValueError) as exc:
            _fail(str(exc))
        if sae.cfg.model_name is None or sae.cfg.hook_layer is None:
            _fail(f"{model_dir}: the SAE's cfg does not name its model and layer (model_name, hook_layer)")
        train_docs = read_jsonl(train) if train else list(generate(n_train, "train", seed))
        val_docs = read_jsonl(validation) if validation else list(generate(n_validation, "validation", seed))
        for path in hand_labelled or []:
            if not path.is_file():
                _fail(f"{path}: no such file (--hand-labelled takes a JSONL of hand-labelled documents)")
        extra_docs, extra_val = {}, {}
        for path in hand_labelled or []:
            # Optionally realistic documents among the validation ones, so thresholds are not chosen
            # on generated text alone.
            extra_docs[path], extra_val[path] = every_nth_apart(read_jsonl(path), hand_labelled_validate_every)
            train_docs += extra_docs[path] * hand_labelled_repeat
            val_docs += extra_val[path]
            typer.echo(f"+ {len(extra_docs[path])} hand-labelled documents of {path}" + (
                f", each {hand_labelled_repeat} times" if hand_labelled_repeat > 1 else "")
                + (f"; {len(extra_val[path])} more validate" if extra_val[path] else ""))
        lm = TruncatedLM.from_pretrained(sae.cfg.model_name, sae.cfg.hook_layer, device=device)
        typer.echo(f"fitting probes on {len(train_docs)} documents ({sae.cfg.model_name}, layer {sae.cfg.hook_layer}, "
                   f"SAE d_sae={sae.cfg.d_sae}); thresholds on {len(val_docs)} validation documents")
        fit_probes(lm, sae, train_docs, val_docs, model_dir / "probes",
                   ProbeTrainConfig(epochs=epochs, context=context, hidden=hidden, hidden_context=hidden_context,
                                    seed=seed, seeds=seeds, shapes=shapes, lexicon_forget=lexicon_forget),
                   kinds=tuple(kind_list),
                   log=typer.echo, hand_labelled={path.name: len(docs) for path, docs in extra_docs.items()},
                   hand_labelled_repeat=hand_labelled_repeat,
                   hand_labelled_validation={path.name: len(docs) for path, docs in extra_val.items() if docs},
                   workers=workers)

    @app.command("eval", help="Score detectors on labelled data: exact-span and token P/R/F1 per label, latency, confusion.")
    def eval_cmd(
        data: Annotated[list[Path], typer.Option(help="JSONL file(s) or presidio-research .json file(s); repeatable")],
        model_dir: Annotated[Path, typer.Option(help="run directory with probes/")] = DEFAULT_RUN_DIR,
        systems: Annotated[str, typer.Option(
            help="comma list of: sae, sae+rules, raw, raw+rules, mix, mix+rules, presidio; default: "
                 "sae, sae+rules, raw, raw+rules, mix+rules (when the run has the mixture) and presidio")] = "",
        as_json: Annotated[bool, typer.Option("--json", help="print one JSON object instead of tables")] = False,
        out: Annotated[Path | None, typer.Option(help="also write the JSON report here")] = None,
        limit: Annotated[int, typer.Option(min=0, help="score only the first N documents of each file (0: all)")] = 0,
        latency_docs: Annotated[int, typer.Option(min=0, help="documents timed one at a time for latency")] = 100,
        device: Annotated[str, typer.Option()] = "cpu",
        precision: Annotated[str, typer.Option(help=PRECISION_HELP)] = "auto",
    ):
        from sae_pii.pii.datasets import (
            JOINED_VIEW,
            is_presidio_research,
            read_jsonl,
            read_presidio_research_views,
        )
        from sae_pii.pii.detector import load_systems
        from sae_pii.pii.evaluate import compare, format_confusion, format_table

        meta = _probes_meta(model_dir)
        names = [s.strip() for s in systems.split(",") if s.strip()] or _default_systems(meta)
        confused = _default_system(meta, names)  # the system whose label confusion is printed
        for path in data:
            if not path.is_file():
                _fail(f"{path}: no such file")
        try:
            dets = load_systems(model_dir, names, device=device, precision=precision)
        except (FileNotFoundError, ValueError) as exc:
            _fail(str(exc))
        tokenizer = next((d.lm.tokenizer for d in dets.values() if hasattr(d, "lm")), None)
        report = {"model_dir": str(model_dir), "datasets": {}}
        seen_in_training = set(meta.get("data", {}).get("hand_labelled", {}))  # file names fit-probes trained on
        if "presidio" in dets:
            from sae_pii.pii.presidio_baseline import recognizers_scored

            report["presidio_recognizers_scored"] = recognizers_scored()
        for path in data:
            if is_presidio_research(path):  # also score whole addresses, as our label defines them
                docs, joined = read_presidio_research_views(path)
                views = {JOINED_VIEW: joined}
            else:
                docs, views = read_jsonl(path), {}
            if limit:
                docs = docs[:limit]
                views = {k: v[:limit] for k, v in views.items()}
            res = compare(docs, dets, tokenizer=tokenizer, latency_docs=latency_docs, views=views)
            report["datasets"][str(path)] = res
            seen = path.name in seen_in_training
            if seen:
                report.setdefault("seen_in_training", []).append(str(path))
            if not as_json:
                n_spans = sum(len(d.spans) for d in docs)
                typer.echo("")
                typer.echo(format_table(res, "exact_span", f"== {path} ({len(docs)} docs, {n_spans} gold spans"
                                        + ("; IN THE PROBES' TRAINING DATA, not a held-out score" if seen else "")
                                        + "): exact-span F1 (precision/recall) =="))
                if tokenizer is not None:
                    typer.echo("")
                    typer.echo(format_table(res, "token", f"== {path}: token-level F1 (precision/recall) =="))
                for view in views:
                    typer.echo("")
                    typer.echo(format_table({k: r["views"][view] for k, r in res.items()}, "exact_span",
                                            f"== {path}, {view}: exact-span F1 (precision/recall) =="))
                typer.echo("")
                typer.echo(format_confusion(res[confused]["confusion"], f"== {path}: label confusion of '{confused}' "
                                            "(rows gold, columns predicted; O = missed / spurious) =="))
        if "presidio" in dets and not as_json:
            typer.echo(f"\npresidio: offline, blank spaCy pipeline (no NER); recognizers that can emit our labels: "
                       f"{', '.join(report['presidio_recognizers_scored'])}")
        if out:
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_suffix(out.suffix + ".tmp")
            tmp.write_text(json.dumps(report, indent=2) + "\n")
            tmp.replace(out)
        if as_json:
            typer.echo(json.dumps(report, indent=2))

    def _detector(model_dir: Path, probe: str | None, validators: bool, device: str, precision: str):
        from sae_pii.pii.detector import SAEPIIDetector

        try:
            return SAEPIIDetector.from_pretrained(model_dir, device=device, probe=probe, validators=validators,
                                                  precision=precision)
        except (FileNotFoundError, ValueError) as exc:
            _fail(str(exc))

    @app.command("detect", help="Detect PII in a file (.jsonl of {\"text\"}, or plain text) or stdin; JSON lines out.")
    def detect_cmd(
        input: Annotated[Path | None, typer.Argument(help="file to read; '-' or nothing reads stdin")] = None,
        model_dir: Annotated[Path, typer.Option()] = DEFAULT_RUN_DIR,
        probe: Annotated[str | None, typer.Option(help=PROBE_HELP)] = None,
        validators: Annotated[bool, typer.Option(help="add the rule layer (email/IP syntax, Luhn, IBAN, SSN shape)")] = True,
        device: Annotated[str, typer.Option()] = "cpu",
        precision: Annotated[str, typer.Option(help=PRECISION_HELP)] = "auto",
    ):
        from sae_pii.pii.datasets import iter_texts

        det = _detector(model_dir, probe, validators, device, precision)
        try:
            for text in iter_texts(input):
                t0 = time.perf_counter()
                spans = det.detect(text)
                ms = (time.perf_counter() - t0) * 1000
                sys.stdout.write(json.dumps({"spans": [s.to_dict() for s in spans], "latency_ms": round(ms, 2)},
                                            ensure_ascii=False) + "\n")
        except (FileNotFoundError, KeyError, json.JSONDecodeError) as exc:
            _fail(f"cannot read input: {exc}")

    @app.command("redact", help="Redact PII in a file or stdin; JSON lines out ({\"text\": redacted, \"spans\": [...]}: offsets, label and score, never the text).")
    def redact_cmd(
        input: Annotated[Path | None, typer.Argument(help="file to read; '-' or nothing reads stdin")] = None,
        model_dir: Annotated[Path, typer.Option()] = DEFAULT_RUN_DIR,
        style: Annotated[str, typer.Option(help="label (<PERSON>), mask (*****) or hash (<PERSON_1a2b3c4d>, stable)")] = "label",
        probe: Annotated[str | None, typer.Option(help=PROBE_HELP)] = None,
        validators: Annotated[bool, typer.Option()] = True,
        device: Annotated[str, typer.Option()] = "cpu",
        precision: Annotated[str, typer.Option(help=PRECISION_HELP)] = "auto",
    ):
        from sae_pii.pii.datasets import iter_texts
        from sae_pii.pii.detector import REDACT_STYLES

        if style not in REDACT_STYLES:
            _fail(f"--style must be one of {', '.join(REDACT_STYLES)}, not {style!r}")
        det = _detector(model_dir, probe, validators, device, precision)
        try:
            for text in iter_texts(input):
                spans = det.detect(text)
                sys.stdout.write(json.dumps({"text": det.redact(text, style=style, spans=spans),
                                             "spans": [{"start": s.start, "end": s.end, "label": s.label, "score": s.score}
                                                       for s in spans]},
                                            ensure_ascii=False) + "\n")
        except (FileNotFoundError, KeyError, json.JSONDecodeError) as exc:
            _fail(f"cannot read input: {exc}")
