"""Labelled documents in and out: the project's JSON Lines format and the presidio-research files.

JSON Lines, one document per line: {"text": "...", "spans": [{"start": 0, "end": 5, "label": "PERSON"}]}
(extra fields are kept in Document.meta; an optional "ignore": [[start, end], ...] marks regions of
labels the project does not detect). A line may instead hold "marked": the text with each span
written inline as [[LABEL|value]] ("Hi [[PERSON|Sarah Lee]]"), the easy way to label by hand.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from sae_pii.pii.labels import LABELS
from sae_pii.pii.spans import Document, PIISpan

# presidio-research label -> ours. Labels absent here and from LABELS become ignore regions.
PRESIDIO_LABEL_MAP = {"ADDRESS": "STREET_ADDRESS"}
# presidio-research annotates many addresses in parts, as its templates built them
# ("{{STREET_ADDRESS}} {{STREET_ADDRESS}}\n {{GPE}}\n {{ZIP_CODE}}": building number, street, city,
# postcode); our STREET_ADDRESS is the whole address. `join_address_parts` gives that view.
ADDRESS_PARTS = {"STREET_ADDRESS", "ADDRESS", "GPE", "ZIP_CODE"}
JOINED_VIEW = "address parts joined"  # the name eval reports that view under


MARK = re.compile(r"\[\[([A-Z_]+)\|(.*?)\]\]", re.DOTALL)


def parse_marked(marked: str, where: str = "marked text") -> tuple[str, list[dict]]:
    """Text with inline [[LABEL|value]] marks -> (plain text, spans as JSON objects; their labels
    are checked where every span's is, in _doc_from_json)."""
    pieces: list[str] = []
    spans: list[dict] = []
    length = pos = 0
    for m in MARK.finditer(marked):
        label, value = m.groups()
        before = marked[pos:m.start()]
        start = length + len(before)
        spans.append({"start": start, "end": start + len(value), "label": label})
        pieces += [before, value]
        length, pos = start + len(value), m.end()
    plain = "".join(pieces) + marked[pos:]
    if "[[" in plain or "]]" in plain:
        raise ValueError(f"{where}: an unclosed or malformed [[LABEL|value]] mark")
    return plain, spans


def _doc_from_json(obj: dict, where: str) -> Document:
    if isinstance(obj, dict) and "text" not in obj and isinstance(obj.get("marked"), str):
        text, spans = parse_marked(obj["marked"], where)
        obj = {**{k: v for k, v in obj.items() if k != "marked"}, "text": text, "spans": spans}
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise TypeError(f"{where}: expected an object with a string 'text' field")
    text = obj["text"]
    spans = []
    for s in obj.get("spans", []):
        try:
            start, end, label = int(s["start"]), int(s["end"]), str(s["label"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{where}: each span needs integer 'start', 'end' and a 'label' ({exc})") from None
        if not 0 <= start < end <= len(text):
            raise ValueError(f"{where}: span {start}..{end} is outside the text (length {len(text)})")
        if label not in LABELS:
            raise ValueError(f"{where}: unknown label {label!r}; expected one of {', '.join(LABELS)}")
        spans.append(PIISpan(start, end, label, 1.0, text[start:end]))
    ignore = [(int(a), int(b)) for a, b in obj.get("ignore", [])]
    meta = {k: v for k, v in obj.items() if k not in ("text", "spans", "ignore")}
    return Document(text=text, spans=sorted(spans), ignore=ignore, meta=meta)


def read_jsonl(path: str | os.PathLike) -> list[Document]:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file (expected JSON Lines with 'text' and 'spans')")
    docs = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
                docs.append(_doc_from_json(obj, f"{path}:{n}"))
    return docs


def write_jsonl(docs: Iterable[Document], path: str | os.PathLike) -> int:
    """Atomic write: a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for d in docs:
                fh.write(json.dumps(d.to_json(), ensure_ascii=False) + "\n")
                n += 1
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n


def every_nth_apart(docs: list[Document], every: int) -> tuple[list[Document], list[Document]]:
    """(the rest, every `every`-th document): a fixed split that needs no seed (every <= 0: none apart)."""
    if every <= 0:
        return list(docs), []
    return ([d for i, d in enumerate(docs) if i % every != every - 1],
            [d for i, d in enumerate(docs) if i % every == every - 1])


def join_address_parts(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """(start, end, presidio entity type) spans with each run of address parts that touch (only
    spaces, punctuation or one line break between them; never a blank line) and hold a street
    address joined into one STREET_ADDRESS. A city or postcode on its own stays as it was."""
    runs: list[list[tuple[int, int, str]]] = []
    for span in sorted(spans):
        prev = runs[-1][-1] if runs else None
        gap = text[prev[1]:span[0]] if prev else ""
        if (prev is not None and prev[2] in ADDRESS_PARTS and span[2] in ADDRESS_PARTS
                and not any(ch.isalnum() for ch in gap) and "\n\n" not in gap.replace("\r", "")):
            runs[-1].append(span)
        else:
            runs.append([span])
    out = []
    for run in runs:
        if len(run) > 1 and any(t in ("STREET_ADDRESS", "ADDRESS") for _, _, t in run):
            out.append((run[0][0], max(e for _, e, _ in run), "STREET_ADDRESS"))
        else:
            out.extend(run)
    return out


def read_presidio_research(path: str | os.PathLike, address_parts_joined: bool = False) -> list[Document]:
    """A presidio-research JSON file (list of records with full_text + spans); with
    `address_parts_joined`, addresses annotated in parts become whole (join_address_parts)."""
    return _presidio_docs(_presidio_records(path), Path(path).name, address_parts_joined)


def read_presidio_research_views(path: str | os.PathLike) -> tuple[list[Document], list[Document]]:
    """Both views of one presidio-research file from one parse: (as annotated, address parts joined)."""
    records = _presidio_records(path)
    return _presidio_docs(records, Path(path).name, False), _presidio_docs(records, Path(path).name, True)


def _presidio_records(path: str | os.PathLike) -> list[dict]:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: presidio-research file not found; point --presidio-dir at the folder holding "
            "synth_dataset_v2.json (in this workspace: ../shared/data/presidio-research)"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def _presidio_docs(records: list[dict], source: str, address_parts_joined: bool) -> list[Document]:
    docs = []
    for rec in records:
        text = rec["full_text"]
        spans, ignore = [], []
        raw = [(int(s["start_position"]), int(s["end_position"]), s["entity_type"]) for s in rec.get("spans") or []]
        if address_parts_joined:
            raw = join_address_parts(text, raw)
        for start, end, entity_type in raw:
            label = PRESIDIO_LABEL_MAP.get(entity_type, entity_type)
            if label in LABELS:
                spans.append(PIISpan(start, end, label, 1.0, text[start:end]))
            else:
                ignore.append((start, end))
        docs.append(Document(text=text, spans=sorted(spans), ignore=ignore,
                             meta={"template": rec.get("template_id"), "source": source}))
    return docs


def is_presidio_research(path: str | os.PathLike) -> bool:
    return Path(path).suffix == ".json"


def read_any(path: str | os.PathLike) -> list[Document]:
    """JSON Lines (.jsonl) or a presidio-research .json file, by extension."""
    p = Path(path)
    if is_presidio_research(p):
        return read_presidio_research(p)
    return read_jsonl(p)


def iter_texts(path: str | os.PathLike | None) -> Iterator[str]:
    """For detect/redact: a .jsonl file of {"text": ...} objects, a plain text file (one document), or stdin."""
    import sys

    if path is None or str(path) == "-":
        data = sys.stdin.read()
        yield from _texts_from_string(data)
        return
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"{p}: no such file")
    if p.suffix == ".jsonl":
        with p.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)["text"]
    else:
        yield p.read_text(encoding="utf-8")


def _texts_from_string(data: str) -> Iterator[str]:
    lines = [ln for ln in data.splitlines() if ln.strip()]
    if lines and all(ln.lstrip().startswith("{") for ln in lines):
        try:
            for ln in lines:
                yield json.loads(ln)["text"]
            return
        except (json.JSONDecodeError, KeyError, TypeError):
            pass
    yield data
