"""The US census's common names in the name lexicon: the shipped lists and the script that writes them."""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import wordfreq

ROOT = Path(__file__).resolve().parents[2]


def _build_script():
    spec = importlib.util.spec_from_file_location("build_common_names", ROOT / "scripts" / "build_common_names.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_build_keeps_names_borne_by_enough_people_as_plain_words(tmp_path, monkeypatch, capsys):
    """A name counted MIN_COUNT times or more joins, folded ("Zieliński" -> "zielinski"), split at
    spaces and hyphens; a rarer one, a word frequent in English ("Rose") or of two letters does not.
    Two runs write the same bytes."""
    build = _build_script()
    rows = {"name": ["KOWALCZYK", "ZIELIŃSKI", "ROSE", "NG", "RAREONE", "OKAFOR-SMYTHE", None],
            "count": [5000, 400, 90000, 9000, 299, 300, 1000]}
    census = tmp_path / "census"
    census.mkdir()
    for table in build.TABLES.values():
        pq.write_table(pa.table(rows), census / table)
    out = tmp_path / "lists"
    monkeypatch.setattr("sys.argv", ["build", "--census-dir", str(census), "--out-dir", str(out)])
    build.main()
    words = gzip.decompress((out / "common_surnames.txt.gz").read_bytes()).decode().split()
    assert words == ["kowalczyk", "okafor", "smythe", "zielinski"]
    first = (out / "common_given_names.txt.gz").read_bytes()
    build.main()
    assert (out / "common_given_names.txt.gz").read_bytes() == first
    assert "4 words" in capsys.readouterr().out


def test_the_shipped_lists_are_sorted_plain_words_of_names():
    from sae_pii.pii.common_names import listed_given_names, listed_surnames
    from sae_pii.pii.name_lexicon import faker_person_words, known_given_names, known_surnames, plain

    for kind, listed in (("given_names", listed_given_names()), ("surnames", listed_surnames())):
        path = ROOT / "trainer" / "sae_pii" / "pii" / "name_lists" / f"common_{kind}.txt.gz"
        words = gzip.decompress(path.read_bytes()).decode("utf-8").split("\n")[:-1]
        assert words == sorted(set(words)) and len(words) > 20_000 and set(words) == listed
        assert all(plain(w) == w and len(w) >= 3 for w in words)
        assert not any(wordfreq.zipf_frequency(w, "en") >= 3.5 for w in words[::50])
    assert {"adebayo", "wei"} <= listed_given_names() and {"kowalczyk", "mehta", "nakamura"} <= listed_surnames()
    # The lexicon is Faker's and these: given names and surnames apart.
    assert known_given_names() == faker_person_words(("first_name",)) | listed_given_names()
    assert known_surnames() == faker_person_words(("last_name",)) | listed_surnames()


def test_the_probes_lexicon_leaves_out_census_words_frequent_in_any_language():
    """probe_person_words (shapes.py's common_* columns): Faker's words all, and the census's words
    that are no frequent word in any of word_frequencies.LANGUAGES."""
    from sae_pii.pii.common_names import listed_surnames
    from sae_pii.pii.name_lexicon import faker_person_words, known_surnames, probe_person_words
    from sae_pii.pii.word_frequencies import frequent_words

    surnames = probe_person_words(("last_name",))
    assert faker_person_words(("last_name",)) <= surnames <= known_surnames()
    assert {"kowalczyk", "mehta", "nakamura"} <= surnames
    assert {"gracias", "piazza"} <= listed_surnames() and not {"gracias", "piazza"} & surnames
    assert "gracias" in frequent_words()["es"] and "piazza" in frequent_words()["it"]
    dropped = known_surnames() - surnames
    assert len(dropped) > 1000 and all(any(w in words for words in frequent_words().values()) for w in dropped)
    assert "adebayo" in probe_person_words(("first_name",))
