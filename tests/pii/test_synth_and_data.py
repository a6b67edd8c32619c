"""The generator's documents are valid (exact spans, Luhn, IBAN check digits), seeded, split by
template; the JSONL and presidio-research readers keep spans exact and map labels."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from sae_pii.pii.checksums import iban_ok, luhn_ok
from sae_pii.pii.datasets import read_jsonl, read_presidio_research, read_presidio_research_views, write_jsonl
from sae_pii.pii.labels import LABELS
from sae_pii.pii.synth import generate, split_templates


@pytest.fixture(scope="module")
def docs():
    return list(generate(400, "all", seed=3))


def test_spans_are_exact_and_labels_known(docs):
    for d in docs:
        for s in d.spans:
            assert s.label in LABELS
            value = d.text[s.start:s.end]
            assert value == value.strip(), f"span {value!r} carries surrounding whitespace"
            assert value
        starts = [s.start for s in d.spans]
        assert starts == sorted(starts)


def test_check_digits_are_valid(docs):
    cards = [d.text[s.start:s.end] for d in docs for s in d.spans if s.label == "CREDIT_CARD"]
    ibans = [d.text[s.start:s.end] for d in docs for s in d.spans if s.label == "IBAN_CODE"]
    assert len(cards) > 10 and len(ibans) > 10
    assert all(luhn_ok(re.sub(r"\D", "", c)) for c in cards)
    assert all(iban_ok(i) for i in ibans)
    ssns = [d.text[s.start:s.end] for d in docs for s in d.spans if s.label == "US_SSN"]
    assert all(len(re.sub(r"\D", "", s)) == 9 for s in ssns)


def test_validators_reject_bad_check_digits():
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert iban_ok("DE89 3704 0044 0532 0130 00") and not iban_ok("DE88 3704 0044 0532 0130 00")


def test_every_label_and_many_kinds_are_generated(docs):
    assert {s.label for d in docs for s in d.spans} == set(LABELS)
    assert len({d.meta["kind"] for d in docs}) >= 8


NEW_KINDS = {"dialogue", "bio", "resume", "medical", "sms", "markup", "legal", "support"}


def test_phones_come_in_many_countries_formats(docs):
    """Every phone locale has its own national format (a locale whose Faker falls back to en_US
    shapes would add nothing), and phones written in digit pairs, as in much of Europe, occur."""
    from faker import Faker
    from sae_pii.pii.synth import PHONE_LOCALES

    us_shape = re.compile(r"(\+1-|001-)?\(?\d{3}\)?[-.]?\d{3}-?\.?\d{4}(x\d+)?")
    assert len(PHONE_LOCALES) >= 50
    for locale in set(PHONE_LOCALES) - {"en_US", "en_CA", "es_MX"}:
        fake = Faker(locale)
        fake.seed_instance(0)
        assert not all(us_shape.fullmatch(fake.phone_number()) for _ in range(10)), locale
    phones = [d.text[s.start:s.end] for d in docs for s in d.spans if s.label == "PHONE_NUMBER"]
    assert any(re.fullmatch(r"0?\d{1,2}([ .-])\d\d\1\d\d\1\d\d(\1\d\d)?", p) for p in phones)


def test_every_kind_has_many_templates_and_all_slots_fill():
    from sae_pii.pii.synth import ValueMaker, render, templates

    kinds: dict[str, int] = {}
    for t in templates():
        kinds[t.kind] = kinds.get(t.kind, 0) + 1
    assert NEW_KINDS <= set(kinds)
    assert all(n >= 16 for n in kinds.values()), kinds
    values = ValueMaker(5)
    for t in templates():  # every slot of every template has a value maker; spans stay exact
        doc = render(t, values)
        assert "{{" not in doc.text, t.id
        for s in doc.spans:
            assert doc.text[s.start:s.end] == s.text and s.text == s.text.strip(), (t.id, s)


def test_new_kinds_in_every_split_and_some_documents_without_pii():
    train = list(generate(1500, "train", seed=1))
    assert NEW_KINDS <= {d.meta["kind"] for d in train}
    assert NEW_KINDS <= {d.meta["kind"] for d in generate(600, "test", seed=1)}
    empty = sum(not d.spans for d in train) / len(train)
    assert 0.05 <= empty <= 0.25, empty


def test_repeated_and_derived_name_slots_are_consistent():
    from sae_pii.pii.synth import Template, ValueMaker, render

    t = Template("x-00", "dialogue", "{{UFIRST}}: hi {{FIRST2}}\n{{UFIRST2}}: hey {{FIRST}}\n{{NAME}} / {{TITLE}} {{LN}} / {{FN}}")
    values = ValueMaker(0)
    for _ in range(30):
        doc = render(t, values)
        p = [s.text for s in doc.spans]
        assert all(s.label == "PERSON" for s in doc.spans) and len(p) == 7
        assert p[0] == p[3].upper() and p[2] == p[1].upper()
        assert p[5] in p[4] and p[6] in p[4] or p[4].startswith(p[6][0])


def test_multiline_address_keeps_indentation():
    from sae_pii.pii.synth import Template, ValueMaker, render

    t = Template("x-00", "letter", "To:\n    {{ADDRESS}}\n> {{ADDRESS2}}\nend")
    values = ValueMaker(1)
    for _ in range(40):
        doc = render(t, values)
        a, b = (doc.text[s.start:s.end] for s in doc.spans)
        assert all(line.startswith("    ") for line in a.split("\n")[1:])
        assert all(line.startswith("> ") for line in b.split("\n")[1:])


def test_names_stand_beside_addresses_as_two_spans():
    """Recipients on labels and letter heads: a name right before an address, on its line
    ("Ana Lima, 12 Rua ..."), on the line above, or above a blank line, is its own PERSON span
    (the generator before these frames had ~3.5 such pairs per 100 training documents, 7.6 now)."""
    gaps = []
    for d in generate(2000, "train", 0):
        spans = sorted(d.spans, key=lambda s: s.start)
        gaps += [d.text[a.end:b.start] for a, b in itertools.pairwise(spans)
                 if a.label == "PERSON" and b.label == "STREET_ADDRESS" and b.start - a.end <= 5]
    assert len(gaps) >= 100, len(gaps)
    assert {", ", "\n", "\n\n"} <= set(gaps), sorted(set(gaps))


def test_frames_and_keys_are_large_enough_to_split():
    from sae_pii.pii.synth.compose import _FRAMES, _KEYS, _NEG_KEY_SLOT, _split_items

    for table in (_FRAMES, _KEYS):
        for key, items in table.items():
            assert len(items) >= 8, key
            assert all(_split_items(items, s) for s in ("train", "validation", "test"))
    assert set(_KEYS["NEG"]) == set(_NEG_KEY_SLOT)


def test_seeded_and_reproducible():
    a = [d.to_json() for d in generate(30, "train", seed=7)]
    b = [d.to_json() for d in generate(30, "train", seed=7)]
    c = [d.to_json() for d in generate(30, "train", seed=8)]
    assert a == b
    assert a != c


def test_same_documents_whatever_the_day():
    """Faker draws month names up to today: the documents, which `make demo` trains the probes on,
    must not change with the calendar (they did: "February" one day, "March" the next)."""
    import datetime

    import time_machine

    with time_machine.travel(datetime.datetime(2026, 1, 5, 12), tick=False):
        first = [d.to_json() for d in generate(400, "train", 0)]
    assert any(m in d["text"] for d in first for m in ("January", "October"))  # month slots are drawn
    with time_machine.travel(datetime.datetime(2029, 8, 30, 12), tick=False):
        assert [d.to_json() for d in generate(400, "train", 0)] == first


def test_split_by_template_is_disjoint():
    splits = split_templates()
    ids = {k: {t.id for t in v} for k, v in splits.items()}
    assert not ids["train"] & ids["test"] and not ids["train"] & ids["validation"] and not ids["validation"] & ids["test"]
    used = {d.meta["template"] for d in generate(200, "test", seed=0)}
    composed = {t for t in used if t.startswith(("mixed-", "keyvalue-"))}
    assert composed == {"mixed-test", "keyvalue-test"}
    assert used - composed <= ids["test"]
    # The frames and keys of compositional documents are split the same way.
    from sae_pii.pii.synth.compose import _FRAMES, _split_items

    for frames in _FRAMES.values():
        assert not set(_split_items(frames, "train")) & set(_split_items(frames, "test"))
    # Every kind keeps templates in train and holds some out for test.
    kinds = lambda split: {t.kind for t in splits[split]}
    assert kinds("test") == kinds("train")


def test_jsonl_roundtrip_and_errors(tmp_path, docs):
    path = tmp_path / "d.jsonl"
    assert write_jsonl(docs[:20], path) == 20
    back = read_jsonl(path)
    assert [(d.text, [(s.start, s.end, s.label) for s in d.spans]) for d in back] == \
           [(d.text, [(s.start, s.end, s.label) for s in d.spans]) for d in docs[:20]]
    assert back[0].meta["template"] == docs[0].meta["template"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": "abc", "spans": [{"start": 0, "end": 9, "label": "PERSON"}]}) + "\n")
    with pytest.raises(ValueError, match="outside the text"):
        read_jsonl(bad)
    bad.write_text(json.dumps({"text": "abc", "spans": [{"start": 0, "end": 2, "label": "NAME"}]}) + "\n")
    with pytest.raises(ValueError, match="unknown label 'NAME'"):
        read_jsonl(bad)
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_jsonl(tmp_path / "missing.jsonl")


def test_hand_labelled_lines_mark_spans_inline(tmp_path):
    path = tmp_path / "hand.jsonl"
    marked = "Dr. [[PERSON|Emily Chen]] (order A-991)\n[[PHONE_NUMBER|+44 20 7946 0958]], [[PERSON|Bo]]."
    path.write_text(json.dumps({"id": "r1", "marked": marked}) + "\n")
    (doc,) = read_jsonl(path)
    assert doc.text == "Dr. Emily Chen (order A-991)\n+44 20 7946 0958, Bo."
    assert [(doc.text[s.start:s.end], s.label) for s in doc.spans] == [
        ("Emily Chen", "PERSON"), ("+44 20 7946 0958", "PHONE_NUMBER"), ("Bo", "PERSON")]
    assert doc.meta == {"id": "r1"}
    for bad, message in [("[[NAME|Bo]]", "unknown label 'NAME'"), ("[[PERSON|Bo]", "malformed")]:
        path.write_text(json.dumps({"marked": bad}) + "\n")
        with pytest.raises(ValueError, match=message):
            read_jsonl(path)


@pytest.mark.parametrize("name", [f"realistic_pii{s}.jsonl" for s in ("", "_b", "_c", "_d", "_e", "_f", "_g", "_h", "_i", "_j", "_k", "_l", "_m", "_n",
                                                                          "_o", "_p", "_q", "_r", "_s", "_t", "_u", "_v", "_w",
                                                                          "_x", "_y", "_z", "_aa", "_ab", "_ac", "_ad", "_ae")])
def test_realistic_sets_are_well_formed(name):
    """The hand-labelled evaluation sets: every span is trimmed text of a known label, and each set
    holds every common label and, but for set M, some documents without PII (what `make demo` scores)."""
    from pathlib import Path

    docs = read_jsonl(Path(__file__).resolve().parents[1] / "data" / name)
    assert len(docs) == (50 if name.endswith("_p.jsonl") else 60)
    spans = [(d.text[s.start:s.end], s.label) for d in docs for s in d.spans]
    assert len(spans) > 250 and all(t == t.strip() and t for t, _ in spans)
    assert {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "STREET_ADDRESS", "CREDIT_CARD", "IBAN_CODE"} <= {lab for _, lab in spans}
    # set M's author was asked for 5-20 spans in every document; the others wrote some without PII
    assert sum(not d.spans for d in docs) >= (0 if name.endswith("_m.jsonl") else 3)


@pytest.mark.parametrize("name", [f"hand_labelled_t{i}.jsonl" for i in range(1, 15)])
def test_hand_labelled_training_sets_are_well_formed(name):
    """The hand-labelled training sets `make demo` fits the probes on: 60 documents each, trimmed
    spans of every common label, none shared with a held-out realistic set."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    docs = read_jsonl(root / "trainer" / "hand_labelled" / name)
    assert len(docs) == 60
    spans = [(d.text[s.start:s.end], s.label) for d in docs for s in d.spans]
    assert len(spans) >= 450 and all(t == t.strip() and t for t, _ in spans)
    assert {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "STREET_ADDRESS", "DATE_OF_BIRTH", "IBAN_CODE"} <= {lab for _, lab in spans}
    held_out = {d.text for s in [*"flnopqrstuvwxyz", "aa", "ab", "ac", "ad", "ae"]
                for d in read_jsonl(root / "tests" / "data" / f"realistic_pii_{s}.jsonl")}
    assert not held_out & {d.text for d in docs}


def test_presidio_research_reader_maps_and_ignores(tmp_path):
    rec = {"full_text": "Call Dana at 555-123-4567 from Acme, 12 Main St",
           "spans": [{"entity_type": "PERSON", "entity_value": "Dana", "start_position": 5, "end_position": 9},
                     {"entity_type": "PHONE_NUMBER", "entity_value": "555-123-4567", "start_position": 13,
                      "end_position": 25},
                     {"entity_type": "ORGANIZATION", "entity_value": "Acme", "start_position": 31, "end_position": 35},
                     {"entity_type": "ADDRESS", "entity_value": "12 Main St", "start_position": 37, "end_position": 47}],
           "template_id": 1}
    path = tmp_path / "p.json"
    path.write_text(json.dumps([rec]))
    (doc,) = read_presidio_research(path)
    assert [(s.label, s.text) for s in doc.spans] == [("PERSON", "Dana"), ("PHONE_NUMBER", "555-123-4567"),
                                                      ("STREET_ADDRESS", "12 Main St")]
    assert doc.ignore == [(31, 35)]


def test_presidio_address_parts_can_be_joined(tmp_path, write_presidio):
    """presidio-research annotates an address in parts (building number, street, city, postcode);
    the joined view makes it one STREET_ADDRESS, never across a blank line, and leaves a city alone
    (an ignore region) as it was."""
    text = "Jo Lind\n\n3657 Laukaantie 80\n Apt. 030\n KOKKOLA\n\n Finland 11507. She flew to Oslo."
    parts = [("PERSON", "Jo Lind"), ("STREET_ADDRESS", "3657"), ("STREET_ADDRESS", "Laukaantie 80"),
             ("STREET_ADDRESS", "Apt. 030"), ("GPE", "KOKKOLA"), ("GPE", "Finland"), ("ZIP_CODE", "11507"),
             ("GPE", "Oslo")]
    path = write_presidio(tmp_path / "p.json", text, parts)
    (as_annotated,) = read_presidio_research(path)
    (joined,) = read_presidio_research(path, address_parts_joined=True)
    assert read_presidio_research_views(path) == ([as_annotated], [joined])  # one parse, both views
    assert [s.text for s in as_annotated.spans if s.label == "STREET_ADDRESS"] == ["3657", "Laukaantie 80", "Apt. 030"]
    assert [(s.label, s.text) for s in joined.spans] == [("PERSON", "Jo Lind"),
                                                          ("STREET_ADDRESS", "3657 Laukaantie 80\n Apt. 030\n KOKKOLA")]
    assert [text[a:b] for a, b in joined.ignore] == ["Finland", "11507", "Oslo"]


def test_same_documents_in_every_process():
    """A seed gives the same documents whatever PYTHONHASHSEED is (Faker's it_IT city list is
    built from a set; the generator sorts it)."""
    import os
    import subprocess
    import sys

    code = ("import hashlib; from sae_pii.pii.synth import generate; "
            "print(hashlib.sha256(''.join(d.text for d in generate(400, 'all', 3)).encode()).hexdigest())")
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_every_nth_document_apart_is_a_fixed_disjoint_split():
    from sae_pii.pii.datasets import every_nth_apart
    from sae_pii.pii.spans import Document

    docs = [Document(text=str(i), spans=[]) for i in range(11)]
    rest, apart = every_nth_apart(docs, 5)
    assert [d.text for d in apart] == ["4", "9"] and len(rest) == 9
    assert {d.text for d in rest} | {d.text for d in apart} == {str(i) for i in range(11)}
    assert every_nth_apart(docs, 5) == (rest, apart)  # no seed: the same split every time
    assert every_nth_apart(docs, 0) == (docs, [])
