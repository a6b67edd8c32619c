"""Text in, fixed-size token windows out.

Documents come from any Hugging Face `datasets` source (local json/jsonl/parquet/csv/txt files or
globs, or a hub dataset name, streamed) or from the offline default corpus (sae_pii.corpus). They
are tokenized without special tokens, joined with a separator (SEP or EOS), and cut into windows of
`context_size` tokens that each carry the model's own special tokens (CLS ... SEP for BERT, BOS ...
for Llama): no padding except in the last window of a pass, so every LM forward is fully used.

A window's position is (epoch, document index, token offset inside that document, window index):
enough to restart the stream exactly there without re-tokenizing what came before.
"""

from __future__ import annotations

import functools
import glob
import itertools
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from sae_pii.lm import structural_token_ids

# File extensions -> the `datasets` builder that reads them.
_BUILDERS = {
    ".json": "json", ".jsonl": "json", ".parquet": "parquet", ".csv": "csv", ".txt": "text", ".text": "text",
}
_TOKENIZE_BATCH = 64  # documents per tokenizer call: the fast tokenizer works in parallel over a batch


@dataclass
class DataConfig:
    """Where the text comes from and how it becomes activations."""

    dataset: str = "default"
    """'default' (offline Faker corpus), a file/folder/glob of json/jsonl/parquet/csv/txt, or a hub name."""
    dataset_config: str | None = None
    """Subset name of a hub dataset (the second argument of `datasets.load_dataset`)."""
    split: str = "train"
    text_field: str = "text"
    context_size: int = 128
    """Tokens per LM window, special tokens included."""
    lm_batch_size: int = 32
    """Windows per LM forward pass."""
    buffer_tokens: int = 65536
    """Activations per shuffling buffer (per rank, on the training device)."""
    val_tokens: int = 8192
    """Held-out activations for validation / early stopping; taken from the first windows, never trained on."""
    cache_dir: str | None = None
    """Optional on-disk activation cache (several SAE runs reuse one LM pass)."""
    cache_dtype: str = "float32"
    """float32 (exact) or float16 (half the disk) for the cache."""
    seed: int = 0
    max_documents: int | None = None
    """Use only the first N documents per pass (quick runs)."""
    default_corpus_documents: int = 6000
    """Size of the offline default corpus."""
    default_corpus_seed: int = 0
    extra: dict = field(default_factory=dict)
    """Extra keyword arguments for `datasets.load_dataset` (e.g. revision, trust_remote_code)."""

    def __post_init__(self) -> None:
        for name in ("context_size", "lm_batch_size", "buffer_tokens"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"data.{name} must be a positive integer, got {value!r}")
        if not isinstance(self.val_tokens, int) or self.val_tokens < 0:
            raise ValueError(f"data.val_tokens must be an integer >= 0, got {self.val_tokens!r}")
        if self.cache_dtype not in ("float32", "float16"):
            raise ValueError(f"data.cache_dtype must be 'float32' or 'float16', got {self.cache_dtype!r}")
        if self.max_documents is not None and self.max_documents <= 0:
            raise ValueError(f"data.max_documents must be positive or null, got {self.max_documents!r}")

    def identity(self) -> dict:
        """What determines the token windows: the activation cache refuses reuse when it differs."""
        return {
            "dataset": self.dataset if self.dataset != "default"
            else f"default(n={self.default_corpus_documents},seed={self.default_corpus_seed})",
            "dataset_config": self.dataset_config, "split": self.split, "text_field": self.text_field,
            "context_size": self.context_size, "max_documents": self.max_documents,
        }


class DatasetError(ValueError):
    """The dataset is missing, unreadable, empty or lacks the text field; the message says what to do."""


def _local_files(spec: str) -> list[str] | None:
    """Files named by a path, folder or glob; None when `spec` does not look local (a hub name)."""
    expanded = os.path.expanduser(spec)
    if os.path.isdir(expanded):
        files = sorted(
            str(p) for p in Path(expanded).rglob("*") if p.is_file() and p.suffix.lower() in _BUILDERS
        )
        if not files:
            raise DatasetError(f"dataset folder {spec!r} holds no {'/'.join(sorted(_BUILDERS))} files")
        return files
    if glob.has_magic(expanded):
        files = sorted(p for p in glob.glob(expanded, recursive=True) if os.path.isfile(p))
        if not files:
            raise DatasetError(f"no files match the dataset pattern {spec!r}")
        return files
    if os.path.exists(expanded):
        return [expanded]
    suffix = Path(expanded).suffix.lower()
    if suffix in _BUILDERS or expanded.startswith(("/", "./", "../")):
        raise DatasetError(f"dataset file {spec!r} does not exist")
    return None


def _check_readable(files: list[str]) -> str:
    builders = {_BUILDERS.get(Path(f).suffix.lower()) for f in files}
    if None in builders:
        bad = [f for f in files if Path(f).suffix.lower() not in _BUILDERS]
        raise DatasetError(f"unsupported file type {bad[0]!r}: use .json/.jsonl/.parquet/.csv/.txt")
    if len(builders) > 1:
        raise DatasetError(f"dataset mixes file types ({', '.join(sorted(builders))}): use one type per dataset")
    for f in files:
        if not os.access(f, os.R_OK):
            raise DatasetError(f"dataset file {f!r} is not readable (check its permissions)")
        if os.path.getsize(f) == 0:
            raise DatasetError(f"dataset file {f!r} is empty: point data.dataset at files holding text")
    return builders.pop()


def iter_texts(data: DataConfig) -> Iterator[str]:
    """The documents of one pass, in a fixed order (empty/whitespace-only documents are skipped)."""
    if data.dataset == "default":
        texts: Iterable = _default_corpus(data.default_corpus_documents, data.default_corpus_seed)
    else:
        texts = _iter_hf_texts(data)
    if data.max_documents is not None:
        texts = itertools.islice(texts, data.max_documents)
    for text in texts:
        if text.strip():
            yield text


@functools.lru_cache(maxsize=2)
def _default_corpus(n_documents: int, seed: int) -> tuple[str, ...]:
    # Generated once per process (a few seconds for the default size), then reused every pass.
    from sae_pii.corpus import generate_documents

    return tuple(generate_documents(n_documents, seed))


def _iter_hf_texts(data: DataConfig) -> Iterator[str]:
    import datasets

    files = _local_files(data.dataset)
    try:
        if files is not None:
            builder = _check_readable(files)
            # Local files always form one "train" split in `datasets`.
            ds = datasets.load_dataset(builder, data_files=files, split="train", streaming=True, **data.extra)
        else:
            ds = datasets.load_dataset(
                data.dataset, data.dataset_config, split=data.split, streaming=True, **data.extra
            )
    except DatasetError:
        raise
    except Exception as exc:  # datasets raises many types (FileNotFoundError, DatasetNotFoundError, ...)
        offline = os.environ.get("HF_HUB_OFFLINE") == "1"
        raise DatasetError(
            f"could not open dataset {data.dataset!r}: {exc.__class__.__name__}: {exc}"
            + (" (HF_HUB_OFFLINE=1: only local files and cached datasets work; use 'default' for the "
               "offline corpus)" if offline and files is None else "")
        ) from exc
    it = iter(ds)
    while True:
        try:
            row = next(it)
        except StopIteration:
            return
        except Exception as exc:
            raise DatasetError(f"could not read dataset {data.dataset!r}: {exc.__class__.__name__}: {exc}") from exc
        if data.text_field not in row:
            raise DatasetError(
                f"dataset {data.dataset!r} has no field {data.text_field!r} (fields: {', '.join(row)}): "
                "set data.text_field"
            )
        text = row[data.text_field]
        if text is not None and not isinstance(text, str):
            raise DatasetError(f"field {data.text_field!r} of dataset {data.dataset!r} is not text: {type(text).__name__}")
        if text:
            yield text


class WindowPos(NamedTuple):
    """Where a window starts: enough to restart the window stream exactly there."""

    epoch: int
    doc: int
    """Index of the document holding the window's first token."""
    offset: int
    """Token offset of that token inside the document (separator included)."""
    index: int
    """Window index inside the epoch (the same on every rank)."""


class Window(NamedTuple):
    pos: WindowPos
    input_ids: list[int]
    n_content: int
    """Tokens that are neither special nor padding: the ones that become training activations."""


class TokenWindows:
    """Cuts the documents of `data` into windows of `data.context_size` tokens."""

    def __init__(self, data: DataConfig, tokenizer):
        self.data = data
        self.tokenizer = tokenizer
        with_special = tokenizer("x", add_special_tokens=True)["input_ids"]
        bare = tokenizer("x", add_special_tokens=False)["input_ids"]
        start = next(
            (i for i in range(len(with_special) - len(bare) + 1) if with_special[i:i + len(bare)] == bare), None
        )
        if start is None:  # unusual tokenizer: fall back to no special tokens at all
            self.prefix, self.suffix = [], []
        else:
            self.prefix, self.suffix = with_special[:start], with_special[start + len(bare):]
        sep = tokenizer.sep_token_id if tokenizer.sep_token_id is not None else tokenizer.eos_token_id
        self.separator = [] if sep is None else [int(sep)]
        self.body_len = data.context_size - len(self.prefix) - len(self.suffix)
        if self.body_len < 1:
            raise ValueError(
                f"data.context_size={data.context_size} leaves no room for text next to the model's "
                f"{len(self.prefix) + len(self.suffix)} special tokens"
            )
        self.special_ids = structural_token_ids(tokenizer)  # the tokens TruncatedLM.content_token_mask drops

    def _tokenized_docs(self, first_doc: int) -> Iterator[tuple[int, list[int]]]:
        texts = itertools.islice(iter_texts(self.data), first_doc, None)
        doc = first_doc
        while True:
            batch = list(itertools.islice(texts, _TOKENIZE_BATCH))
            if not batch:
                return
            # verbose=False: documents longer than the model's max length are fine, they get cut.
            ids = self.tokenizer(batch, add_special_tokens=False, verbose=False)["input_ids"]
            for one in ids:
                yield doc, list(one) + self.separator
                doc += 1

    def epoch(self, start: WindowPos) -> Iterator[Window]:
        """Windows of one pass over the documents, from `start` (which must be a window start)."""
        pending: list[list] = []  # [doc index, tokens, consumed offset]
        n_pending = 0
        index = start.index
        docs = self._tokenized_docs(start.doc)
        first = True
        exhausted = False
        while True:
            while n_pending < self.body_len and not exhausted:
                nxt = next(docs, None)
                if nxt is None:
                    exhausted = True
                    break
                doc, toks = nxt
                offset = start.offset if first else 0
                first = False
                if offset >= len(toks):
                    continue
                pending.append([doc, toks, offset])
                n_pending += len(toks) - offset
            if n_pending == 0:
                return
            pos = WindowPos(start.epoch, pending[0][0], pending[0][2], index)
            body: list[int] = []
            while len(body) < self.body_len and pending:
                seg = pending[0]
                take = min(self.body_len - len(body), len(seg[1]) - seg[2])
                body.extend(seg[1][seg[2]:seg[2] + take])
                seg[2] += take
                n_pending -= take
                if seg[2] >= len(seg[1]):
                    pending.pop(0)
            ids = self.prefix + body + self.suffix
            n_content = sum(1 for t in body if t not in self.special_ids)
            yield Window(pos, ids, n_content)
            index += 1

    def forever(self, start: WindowPos, skip_below: int = 0) -> Iterator[Window]:
        """Windows of pass after pass, skipping windows whose index is below `skip_below` (held out)."""
        pos = start
        while True:
            produced = False
            for w in self.epoch(pos):
                produced = True
                if w.pos.index >= skip_below:
                    yield w
            if not produced and pos.doc == 0 and pos.offset == 0:
                raise DatasetError(f"dataset {self.data.dataset!r} is empty: no documents with text in "
                                   f"field {self.data.text_field!r}")
            pos = WindowPos(pos.epoch + 1, 0, 0, 0)

    def pad(self, windows: list[Window]) -> tuple[list[list[int]], list[list[int]]]:
        """Right-pad a batch of windows: (input_ids, attention_mask) as lists."""
        width = max(len(w.input_ids) for w in windows)
        pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        ids = [w.input_ids + [pad_id] * (width - len(w.input_ids)) for w in windows]
        mask = [[1] * len(w.input_ids) + [0] * (width - len(w.input_ids)) for w in windows]
        return ids, mask
