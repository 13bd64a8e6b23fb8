"""Analysis values: every decision carries a confidence and a reason."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Decision:
    label: str | None
    confidence: float
    reason: str


@dataclass(frozen=True)
class Place:
    kelurahan: str | None = None
    kecamatan: str | None = None
    street: str | None = None
    rt: str | None = None
    rw: str | None = None
    landmark: str | None = None
    source: str | None = None  # "text" or "fallback" (the receiving account's wilayah)
    confidence: float = 0.0
    reason: str = ""


@dataclass(frozen=True)
class Analysis:
    text: str
    normalized: str
    masked: str
    intent: Decision
    topic: Decision
    urgency: Decision
    place: Place = field(default_factory=Place)
    version: str = ""

    @property
    def is_complaint(self) -> bool:
        return self.intent.label == "aduan"

    def confidences(self) -> dict[str, float]:
        return {
            "intent": self.intent.confidence,
            "topic": self.topic.confidence,
            "urgency": self.urgency.confidence,
            "place": self.place.confidence,
        }

    def reasons(self) -> dict[str, str]:
        return {
            "intent": self.intent.reason,
            "topic": self.topic.reason,
            "urgency": self.urgency.reason,
            "place": self.place.reason,
        }


def needs_review(analysis: Analysis, threshold: float) -> bool:
    if analysis.intent.confidence < threshold:
        return True
    needs_topic = analysis.intent.label in ("aduan", "pertanyaan", "aspirasi")
    return needs_topic and analysis.topic.confidence < threshold
