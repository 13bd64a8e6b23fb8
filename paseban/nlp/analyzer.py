"""Text in, Analysis out: normalise -> mask -> intent -> topic -> urgency -> place.

Intent, topic and urgency come from the trained linear models (model.py); the place comes from
the gazetteer of the city's reference data (place.py); personal data is masked with lokal-id
(mask.py). Every decision carries a confidence and a reason."""

from __future__ import annotations

from collections.abc import Iterable

from paseban.nlp.mask import mask
from paseban.nlp.model import Prediction, TextModel
from paseban.nlp.normalize import abuse_words, normalize
from paseban.nlp.pipeline import Analysis, Decision
from paseban.nlp.place import Gazetteer

TOPIC_INTENTS = ("aduan", "pertanyaan", "aspirasi")
CHUNK = 2000  # messages per array operation (bounds memory)
MAX_CHARS = 5000  # longer texts are analysed on their first part; the original is kept whole


def _reason(prefix: str, evidence: tuple[str, ...]) -> str:
    if not evidence:
        return f"{prefix}: tidak ada kata yang menonjol"
    return f"{prefix}: " + ", ".join(f"'{_word(w)}'" for w in evidence)


def _word(token: str) -> str:
    """A token as a person reads it: the emoji token `emo_wajah_sangat_marah` is "emoji wajah
    sangat marah" (the reasons are shown to admins, who should not meet internal codes)."""
    if token.startswith("emo_"):
        token = "emoji " + token.removeprefix("emo_")
    return token.replace("_", " ")


class Analyzer:
    def __init__(self, gazetteer: Gazetteer, text_model: TextModel) -> None:
        self.gazetteer = gazetteer
        self.model = text_model
        self.version = text_model.version

    def _has_known_word(self, normalized: str) -> bool:
        """A word or emoji the model knows, or a swear word ("wtf 🖕" is abuse, not noise)."""
        index = self.model.index
        abuse = abuse_words()
        return any(
            tok in abuse
            or (len(tok) > 1 and (tok.isalpha() or tok.startswith("emo_")) and f"w:{tok}" in index)
            for tok in normalized.split()
        )

    def analyze(self, text: str, *, account_wilayah: str | None = None) -> Analysis:
        return self.analyze_batch([(text, account_wilayah)])[0]

    def analyze_batch(self, items: Iterable[tuple[str, str | None]]) -> list[Analysis]:
        batch = [(t if isinstance(t, str) else str(t), w) for t, w in items]
        if len(batch) > CHUNK:
            return [
                a
                for i in range(0, len(batch), CHUNK)
                for a in self.analyze_batch(batch[i : i + CHUNK])
            ]
        heads = [t[:MAX_CHARS] for t, _ in batch]
        normalized = [normalize(h) for h in heads]
        predicted = self.model.predict_many(list(zip(normalized, heads, strict=True)))
        out = []
        for (text, wilayah), head, norm, pred in zip(
            batch, heads, normalized, predicted, strict=True
        ):
            out.append(self._assemble(text, head, norm, pred, wilayah))
        return out

    def _assemble(
        self,
        text: str,
        head: str,
        normalized: str,
        predicted: dict[str, Prediction] | None,
        wilayah: str | None,
    ) -> Analysis:
        if predicted is None or not self._has_known_word(normalized) or len(set(head.strip())) <= 2:
            intent = Decision("informasi", 0.3, "tidak ada kata yang dikenali")
        else:
            p = predicted["intent"]
            intent = Decision(p.label, round(p.confidence, 3), _reason("model", p.evidence))
        if predicted is not None and intent.label in TOPIC_INTENTS:
            p = predicted["topic"]
            topic = Decision(p.label, round(p.confidence, 3), _reason("model", p.evidence))
        else:
            topic = Decision(None, 1.0, f"tidak berlaku untuk {intent.label}")
        if predicted is not None and intent.label == "aduan":
            p = predicted["urgency"]
            urgency = Decision(p.label, round(p.confidence, 3), _reason("model", p.evidence))
        else:
            urgency = Decision("normal", 1.0, "bukan aduan")
        return Analysis(
            text=text,
            normalized=normalized,
            masked=mask(text).text,
            intent=intent,
            topic=topic,
            urgency=urgency,
            place=self.gazetteer.locate(normalized, head, fallback=wilayah),
            version=self.version,
        )
