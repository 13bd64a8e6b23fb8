"""Text in, Analysis out: normalise -> mask -> intent -> topic -> urgency -> place."""

from __future__ import annotations

from collections.abc import Iterable

from paseban.nlp.keywords import Lexicon, lexicon
from paseban.nlp.mask import mask
from paseban.nlp.normalize import normalize
from paseban.nlp.pipeline import Analysis, Decision
from paseban.nlp.place import Gazetteer

VERSION = "keywords-1"
TOPIC_INTENTS = frozenset({"aduan", "pertanyaan", "aspirasi"})
MAX_CHARS = 5000  # longer texts are analysed on their first part; the original is kept whole


class Analyzer:
    def __init__(self, gazetteer: Gazetteer, lex: Lexicon | None = None) -> None:
        self.gazetteer = gazetteer
        self.lexicon = lex or lexicon()
        self.version = VERSION

    def analyze(self, text: str, *, account_wilayah: str | None = None) -> Analysis:
        text = text if isinstance(text, str) else str(text)
        head = text[:MAX_CHARS]
        normalized = normalize(head)
        masked = mask(text).text
        topic = self.lexicon.decide("topic", normalized, default=None)
        intent = self._intent(normalized, topic)
        if intent.label not in TOPIC_INTENTS:
            topic = Decision(None, 1.0, "bukan aduan, pertanyaan, atau aspirasi")
        elif topic.label is None:
            topic = Decision("lainnya", 0.3, "tidak ada kata kunci topik")
        urgency = self._urgency(normalized, intent)
        place = self.gazetteer.locate(normalized, head, fallback=account_wilayah)
        return Analysis(
            text=text,
            normalized=normalized,
            masked=masked,
            intent=intent,
            topic=topic,
            urgency=urgency,
            place=place,
            version=self.version,
        )

    def analyze_batch(self, items: Iterable[tuple[str, str | None]]) -> list[Analysis]:
        return [self.analyze(text, account_wilayah=wilayah) for text, wilayah in items]

    def _intent(self, normalized: str, topic: Decision) -> Decision:
        if not normalized:
            return Decision("informasi", 0.3, "teks kosong")
        scores = self.lexicon.score("intent", normalized)
        for label in ("spam", "kasar"):
            if label in scores and scores[label][0] >= 3:
                hits = ", ".join(f"'{h}'" for h in scores[label][1][:3])
                return Decision(
                    label, min(0.95, 0.6 + 0.1 * scores[label][0]), f"kata kunci: {hits}"
                )
        aduan = scores.get("aduan", (0.0, []))
        if topic.label is not None and aduan[0] >= 1.5:
            hits = ", ".join(f"'{h}'" for h in aduan[1][:3])
            conf = min(0.9, 0.55 + 0.05 * aduan[0] + 0.05 * topic.confidence)
            return Decision(
                "aduan", round(conf, 2), f"topik {topic.label} dan kata keluhan: {hits}"
            )
        return self.lexicon.decide("intent", normalized, default="informasi")

    def _urgency(self, normalized: str, intent: Decision) -> Decision:
        if intent.label != "aduan":
            return Decision("normal", 0.9, "bukan aduan")
        return self.lexicon.decide("urgency", normalized, default="normal")
