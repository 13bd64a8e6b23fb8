"""Which analyses a human should label first: the ones a label would teach the model most.

A correction teaches most where the model was least sure (its guess was close to a coin toss),
and a queue that only shows the least sure messages would fill with one kind of message (chatter,
or one topic): so the order is least confident first, taken in turns from each topic (or intent,
for messages without a topic), so that a reviewer's first twenty labels cover many topics.

Pure: the service layer passes what it stored for each message (labels and confidences, as in
`Analysis.confidences()`), this module only orders them."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from paseban.nlp.pipeline import Analysis

TOPIC_INTENTS = ("aduan", "pertanyaan", "aspirasi")


@dataclass(frozen=True)
class Pending:
    """One analysis waiting for review."""

    key: Hashable  # the message id, or anything the caller uses to find it again
    intent: str | None
    intent_confidence: float
    topic: str | None = None
    topic_confidence: float = 1.0

    @property
    def doubt(self) -> float:
        """How unsure the model was about what the product emits (0 sure .. 1 unsure): the
        weakest decision that matters (the topic counts only for intents that carry one)."""
        sure = self.intent_confidence
        if self.intent in TOPIC_INTENTS and self.topic is not None:
            sure = min(sure, self.topic_confidence)
        return 1.0 - max(0.0, min(1.0, sure))

    @property
    def bucket(self) -> str:
        """The group the queue spreads over: the topic, or the intent when there is none."""
        if self.intent in TOPIC_INTENTS and self.topic:
            return f"topik:{self.topic}"
        return f"niat:{self.intent or '-'}"


def pending(key: Hashable, analysis: Analysis) -> Pending:
    return Pending(
        key,
        analysis.intent.label,
        analysis.intent.confidence,
        analysis.topic.label,
        analysis.topic.confidence,
    )


def pending_from_stored(
    key: Hashable,
    intent: str | None,
    topic: str | None,
    confidence: Mapping[str, float] | None,
) -> Pending:
    """From what the pipeline stores per message (intent, topic, the confidences JSON)."""
    conf = confidence or {}
    return Pending(
        key, intent, float(conf.get("intent", 0.0)), topic, float(conf.get("topic", 1.0))
    )


def teaching_order(items: Iterable[Pending]) -> list[Pending]:
    """Least confident first, in turns over topics: round k takes the k-th most doubtful
    message of every topic, most doubtful first within the round. Ties keep the order of
    arrival, so the order is stable."""
    buckets: dict[str, list[tuple[float, int, Pending]]] = {}
    for n, item in enumerate(items):
        buckets.setdefault(item.bucket, []).append((-item.doubt, n, item))
    queues = [sorted(b, key=lambda t: (t[0], t[1])) for b in buckets.values()]
    out: list[Pending] = []
    for depth in range(max((len(q) for q in queues), default=0)):
        round_ = sorted((q[depth] for q in queues if depth < len(q)), key=lambda t: (t[0], t[1]))
        out.extend(t[2] for t in round_)
    return out
