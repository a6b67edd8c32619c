"""Metrics on hand-computed cases, and the Presidio baseline running offline."""

from __future__ import annotations

import numpy as np
import pytest
from sae_pii.pii.evaluate import confusion, evaluate, span_scores, token_scores
from sae_pii.pii.spans import Document, PIISpan


def S(a, b, label):
    return PIISpan(a, b, label)


TEXT = "Dana Lee 555-0134 Acme 10.0.0.1"
#       0123456789012345678901234567890
GOLD = Document(TEXT, [S(0, 8, "PERSON"), S(9, 17, "PHONE_NUMBER"), S(23, 31, "IP_ADDRESS")], ignore=[(18, 22)])


def test_exact_span_counts():
    pred = [S(0, 4, "PERSON"),            # boundary wrong: FP + FN for PERSON
            S(9, 17, "PHONE_NUMBER"),     # exact: TP
            S(18, 22, "PERSON"),          # inside an ignore region: dropped
            S(23, 31, "US_SSN")]          # wrong label: FP US_SSN, FN IP_ADDRESS
    sc = span_scores([GOLD], [pred])
    p = sc.per_label
    assert (p["PERSON"].tp, p["PERSON"].fp, p["PERSON"].fn) == (0, 1, 1)
    assert (p["PHONE_NUMBER"].tp, p["PHONE_NUMBER"].fp, p["PHONE_NUMBER"].fn) == (1, 0, 0)
    assert (p["US_SSN"].fp, p["IP_ADDRESS"].fn) == (1, 1)
    micro = sc.micro
    assert (micro.tp, micro.fp, micro.fn) == (1, 2, 2)
    assert micro.precision == pytest.approx(1 / 3) and micro.recall == pytest.approx(1 / 3)
    # macro over labels that appear: PERSON 0, PHONE 1, IP 0, SSN 0 -> 0.25
    assert sc.macro_f1() == pytest.approx(0.25)


def test_perfect_prediction_scores_one():
    res = evaluate([GOLD], [list(GOLD.spans)], latencies_s=[0.01, 0.02, 0.03])
    assert res["exact_span"]["micro"]["f1"] == 1.0
    assert res["latency_ms"]["p50"] == pytest.approx(20.0)
    assert res["confusion"] == {"PERSON": {"PERSON": 1}, "PHONE_NUMBER": {"PHONE_NUMBER": 1},
                                "IP_ADDRESS": {"IP_ADDRESS": 1}}


def test_token_level_partial_credit():
    def tokenize(text):
        return np.array([(0, 4), (5, 8), (9, 17), (18, 22), (23, 31)])

    sc = token_scores([GOLD], [[S(0, 4, "PERSON"), S(23, 31, "US_SSN")]], tokenize)
    p = sc.per_label
    assert (p["PERSON"].tp, p["PERSON"].fn) == (1, 1)  # "Dana" right, "Lee" missed
    assert (p["PHONE_NUMBER"].fn, p["IP_ADDRESS"].fn, p["US_SSN"].fp) == (1, 1, 1)


def test_confusion_rows():
    table = confusion([GOLD], [[S(0, 8, "PERSON"), S(23, 31, "US_SSN"), S(9, 12, "PHONE_NUMBER"), S(30, 31, "PERSON")]])
    assert table["IP_ADDRESS"] == {"US_SSN": 1}
    assert table["PHONE_NUMBER"] == {"PHONE_NUMBER": 1}


def test_presidio_runs_offline_and_says_what_ran():
    from sae_pii.pii.presidio_baseline import PresidioBaseline, recognizers_run, recognizers_scored

    base = PresidioBaseline()
    text = "Card 4111 1111 1111 1111, mail jane@example.org, ip 192.168.0.7, IBAN DE89370400440532013000"
    got = {(s.label, s.text) for s in base.detect(text)}
    assert ("CREDIT_CARD", "4111 1111 1111 1111") in got
    assert ("EMAIL_ADDRESS", "jane@example.org") in got
    assert ("IP_ADDRESS", "192.168.0.7") in got
    assert ("IBAN_CODE", "DE89370400440532013000") in got
    assert "SpacyRecognizer" in recognizers_run()  # loaded, but the blank pipeline has no NER
    assert {"CreditCardRecognizer", "EmailRecognizer", "IbanRecognizer", "IpRecognizer"} <= set(recognizers_scored())
    assert "SpacyRecognizer" not in recognizers_scored()
    assert base.detect("") == []


def test_presidio_leaves_no_model_folder_behind(tmp_path, monkeypatch):
    import tempfile

    from sae_pii.pii import presidio_baseline

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    presidio_baseline._engine.cache_clear()
    try:
        base = presidio_baseline.PresidioBaseline()
        assert list(tmp_path.iterdir()) == []  # the blank pipeline's folder is gone once it is loaded
        assert [s.label for s in base.detect("mail jane@example.org")] == ["EMAIL_ADDRESS"]
    finally:
        presidio_baseline._engine.cache_clear()
