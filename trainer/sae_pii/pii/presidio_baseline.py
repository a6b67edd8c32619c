"""Microsoft Presidio's analyzer as the side-by-side baseline, fully offline.

Presidio's spaCy NER models cannot be downloaded here, so the NLP engine is a blank spaCy English
pipeline saved to disk and passed through NlpEngineProvider (tokenization only, no NER). Every
predefined English recognizer is loaded with default settings (score_threshold 0); the ones that
can produce a label we score are the pattern/checksum recognizers listed by `recognizers_run()`.
Consequences, stated in every report: PERSON and STREET_ADDRESS need NER and never fire, and
Presidio has no date-of-birth entity (its DATE_TIME is every date), so those rows score 0 for it.
"""

from __future__ import annotations

import logging
import tempfile
from functools import lru_cache

from sae_pii.pii.labels import LABELS
from sae_pii.pii.spans import PIISpan

# Presidio entity -> ours. DATE_TIME is deliberately absent: it is not a birth date.
ENTITY_MAP = {label: label for label in LABELS if label not in ("DATE_OF_BIRTH", "STREET_ADDRESS")}


@lru_cache(maxsize=1)
def _engine():
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    # tldextract (inside the email/URL recognizers) tries to fetch the public suffix list and falls
    # back to its bundled copy offline; its warning is noise here.
    logging.getLogger("tldextract").setLevel(logging.ERROR)
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    # create_engine() loads the pipeline into memory, so the folder can go right after.
    with tempfile.TemporaryDirectory(prefix="presidio-blank-en-") as model_dir:
        spacy.blank("en").to_disk(model_dir)
        provider = NlpEngineProvider(nlp_configuration={
            "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model_dir}]})
        nlp_engine = provider.create_engine()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=nlp_engine, languages=["en"])
    return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=["en"])


def recognizers_run() -> dict[str, list[str]]:
    """Recognizer name -> the entities it can emit, for every recognizer loaded."""
    return {r.name: sorted(r.supported_entities) for r in _engine().registry.recognizers}


def recognizers_scored() -> list[str]:
    """The loaded recognizers that can emit one of our labels (the ones that matter for scores)."""
    return sorted(name for name, ents in recognizers_run().items()
                  if any(e in ENTITY_MAP for e in ents) and name != "SpacyRecognizer")


class PresidioBaseline:
    name = "presidio"

    def __init__(self, score_threshold: float = 0.0):
        self.engine = _engine()
        self.score_threshold = score_threshold

    def detect(self, text: str) -> list[PIISpan]:
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        if not text:
            return []
        results = self.engine.analyze(text=text, language="en", score_threshold=self.score_threshold)
        spans = [PIISpan(r.start, r.end, ENTITY_MAP[r.entity_type], round(float(r.score), 4), text[r.start:r.end])
                 for r in results if r.entity_type in ENTITY_MAP]
        # Presidio may return overlapping results; keep the highest score, then the longest.
        spans.sort(key=lambda s: (-s.score, -(s.end - s.start)))
        kept: list[PIISpan] = []
        for s in spans:
            if all(s.end <= k.start or s.start >= k.end for k in kept):
                kept.append(s)
        return sorted(kept, key=lambda s: s.start)

    def detect_batch(self, texts: list[str]) -> list[list[PIISpan]]:
        return [self.detect(t) for t in texts]
