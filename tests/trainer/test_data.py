"""DataConfig + TokenWindows: any datasets source -> fixed windows; clear errors for bad data."""

from __future__ import annotations

import itertools
import json

import pytest
from sae_pii.corpus import generate_documents, write_default_corpus
from sae_pii.data import DataConfig, DatasetError, TokenWindows, WindowPos, iter_texts
from sae_pii.lm import resolve_model_path
from transformers import AutoTokenizer

DOCS = [f"Document {i}: {' '.join(['alpha beta gamma delta'] * (i % 5 + 1))} ends here." for i in range(40)]


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(resolve_model_path("default"))


@pytest.fixture()
def jsonl(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps({"text": d, "id": i}) + "\n" for i, d in enumerate(DOCS)))
    return path


def test_windows_are_full_have_special_tokens_and_keep_every_token(jsonl, tokenizer):
    data = DataConfig(dataset=str(jsonl), context_size=16)
    tw = TokenWindows(data, tokenizer)
    windows = list(tw.epoch(WindowPos(0, 0, 0, 0)))
    assert [w.pos.index for w in windows] == list(range(len(windows)))
    assert all(len(w.input_ids) == 16 for w in windows[:-1]) and len(windows[-1].input_ids) <= 16
    assert all(w.input_ids[0] == tokenizer.cls_token_id and w.input_ids[-1] == tokenizer.sep_token_id for w in windows)
    # Bodies laid end to end are the documents' tokens joined by [SEP]: nothing lost, nothing repeated.
    stream = [t for w in windows for t in w.input_ids[1:-1]]
    expected = []
    for ids in tokenizer(DOCS, add_special_tokens=False)["input_ids"]:
        expected += ids + [tokenizer.sep_token_id]
    assert stream == expected
    assert all(w.n_content == sum(t != tokenizer.sep_token_id for t in w.input_ids[1:-1]) for w in windows)


def test_restarting_from_a_window_position_reproduces_the_rest(jsonl, tokenizer):
    tw = TokenWindows(DataConfig(dataset=str(jsonl), context_size=16), tokenizer)
    windows = list(tw.epoch(WindowPos(0, 0, 0, 0)))
    mid = windows[len(windows) // 2]
    assert mid.pos.offset > 0 or mid.pos.doc > 0
    assert list(tw.epoch(mid.pos)) == windows[len(windows) // 2:]


def test_forever_cycles_epochs_and_skips_held_out_windows(jsonl, tokenizer):
    tw = TokenWindows(DataConfig(dataset=str(jsonl), context_size=32), tokenizer)
    first_pass = list(tw.epoch(WindowPos(0, 0, 0, 0)))
    n = len(first_pass)
    seen = list(itertools.islice(tw.forever(first_pass[3].pos, skip_below=3), 2 * (n - 3)))
    assert [w.pos.index for w in seen] == list(range(3, n)) * 2
    assert [w.pos.epoch for w in seen] == [0] * (n - 3) + [1] * (n - 3)


@pytest.mark.parametrize("fmt", ["parquet", "txt", "csv", "glob", "folder"])
def test_other_sources_read_the_same_texts(tmp_path, fmt):
    import pandas as pd

    frame = pd.DataFrame({"text": DOCS[:10]})
    if fmt == "parquet":
        frame.to_parquet(tmp_path / "d.parquet")
        spec = str(tmp_path / "d.parquet")
    elif fmt == "txt":
        (tmp_path / "d.txt").write_text("\n".join(DOCS[:10]) + "\n")
        spec = str(tmp_path / "d.txt")
    elif fmt == "csv":
        frame.to_csv(tmp_path / "d.csv", index=False)
        spec = str(tmp_path / "d.csv")
    else:
        (tmp_path / "a.jsonl").write_text("".join(json.dumps({"text": d}) + "\n" for d in DOCS[:5]))
        (tmp_path / "b.jsonl").write_text("".join(json.dumps({"text": d}) + "\n" for d in DOCS[5:10]))
        spec = str(tmp_path / "*.jsonl") if fmt == "glob" else str(tmp_path)
    assert list(iter_texts(DataConfig(dataset=spec))) == DOCS[:10]


def test_max_documents_and_text_field(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text("".join(json.dumps({"body": d}) + "\n" for d in DOCS))
    assert list(iter_texts(DataConfig(dataset=str(path), text_field="body", max_documents=3))) == DOCS[:3]
    with pytest.raises(DatasetError, match=r"no field 'text' \(fields: body\)"):
        next(iter_texts(DataConfig(dataset=str(path))))


def test_bad_datasets_give_clear_errors(tmp_path, tokenizer):
    with pytest.raises(DatasetError, match="does not exist"):
        next(iter_texts(DataConfig(dataset=str(tmp_path / "missing.jsonl"))))
    with pytest.raises(DatasetError, match="no files match"):
        next(iter_texts(DataConfig(dataset=str(tmp_path / "*.parquet"))))
    (tmp_path / "garbage.parquet").write_bytes(b"this is not parquet at all")
    with pytest.raises(DatasetError, match="could not (read|open) dataset"):
        next(iter_texts(DataConfig(dataset=str(tmp_path / "garbage.parquet"))))
    (tmp_path / "broken.jsonl").write_text('{"text": "ok"}\n{"text": unterminated\n')
    with pytest.raises(DatasetError, match="could not (read|open) dataset"):
        list(iter_texts(DataConfig(dataset=str(tmp_path / "broken.jsonl"))))
    (tmp_path / "empty.jsonl").write_text('{"text": ""}\n{"text": "   "}\n')
    tw = TokenWindows(DataConfig(dataset=str(tmp_path / "empty.jsonl")), tokenizer)
    with pytest.raises(DatasetError, match="is empty"):
        next(tw.forever(WindowPos(0, 0, 0, 0)))
    (tmp_path / "notes.docx").write_text("x")
    with pytest.raises(DatasetError, match="unsupported file type"):
        next(iter_texts(DataConfig(dataset=str(tmp_path / "notes.docx"))))


def test_offline_hub_name_says_what_to_do(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(DatasetError, match="HF_HUB_OFFLINE=1.*'default'"):
        next(iter_texts(DataConfig(dataset="nobody-has/this-dataset-xyz")))


@pytest.mark.parametrize("bad", [{"context_size": 0}, {"lm_batch_size": -1}, {"val_tokens": -5},
                                 {"cache_dtype": "int8"}, {"max_documents": 0}])
def test_config_validation(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        DataConfig(**bad)


def test_context_too_small_for_special_tokens(tokenizer):
    with pytest.raises(ValueError, match="no room for text"):
        TokenWindows(DataConfig(context_size=2), tokenizer)


def test_default_corpus_is_the_same_whatever_the_day():
    """Faker draws dates, weekdays, month names and card expiries relative to today: the corpus must
    not (it trains the demo's SAE, whose probes would then change from one day to the next)."""
    import datetime

    import time_machine

    with time_machine.travel(datetime.datetime(2026, 1, 5, 12), tick=False):
        monday = generate_documents(300, seed=1)
    with time_machine.travel(datetime.datetime(2029, 8, 30, 12), tick=False):
        assert generate_documents(300, seed=1) == monday


def test_default_corpus_is_seeded_and_mixes_pii_with_generic_text(tmp_path):
    docs = generate_documents(200, seed=3)
    assert docs == generate_documents(200, seed=3)
    assert docs != generate_documents(200, seed=4)
    with_email = sum("@" in d for d in docs)
    assert 40 < with_email < 180  # about half the documents carry PII, e-mail addresses among it
    assert all(d.strip() for d in docs)
    path = write_default_corpus(tmp_path / "corpus.jsonl", 20, seed=3)
    assert list(iter_texts(DataConfig(dataset=str(path)))) == docs[:20]
    assert list(iter_texts(DataConfig(dataset="default", default_corpus_documents=20, default_corpus_seed=3))) == docs[:20]
