"""`paseban analyze`: JSON Lines in, analyses out, without a database.

Input lines: {"id", "text"} and optionally "platform" and "account_kelurahan" (the Kemendagri code
of the wilayah that owns the receiving account). Output lines repeat `id` and add the decisions
with codes exactly as in the reference files, `null` where not applicable."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from paseban import reference
from paseban.errors import LineError
from paseban.nlp.analyzer import Analyzer
from paseban.nlp.pipeline import Analysis, needs_review
from paseban.routing.rules import Rule, route, topic_default_rule
from paseban.services.cases.routing import routing_facts

CHUNK = 2000
TOPIC_INTENTS = ("aduan", "pertanyaan", "aspirasi")


@dataclass
class AnalyzeReport:
    analyzed: int = 0
    skipped: list[LineError] = field(default_factory=list)


class BadLine(Exception):
    def __init__(self, error: LineError) -> None:
        super().__init__(str(error))
        self.error = error


def city_rules(code: str) -> list[Rule]:
    data = reference.bundled(code)
    return [topic_default_rule(t.code, t.default_opd) for t in data.topics] + [
        r for r, _ in data.rules
    ]


def _parse(number: int, raw: bytes, source: str) -> tuple[Any, str, str | None, str | None]:
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadLine(LineError(source, number, "bukan teks UTF-8")) from None
    except json.JSONDecodeError as exc:
        raise BadLine(LineError(source, number, f"JSON tidak sah: {exc.msg}")) from None
    if not isinstance(record, dict):
        raise BadLine(LineError(source, number, "baris harus objek JSON"))
    if "id" not in record or "text" not in record:
        missing = [k for k in ("id", "text") if k not in record]
        raise BadLine(LineError(source, number, f"kolom wajib tidak ada: {', '.join(missing)}"))
    if not isinstance(record["text"], str):
        raise BadLine(LineError(source, number, "text harus string"))
    wilayah = record.get("account_kelurahan")
    if wilayah is not None and not isinstance(wilayah, str):
        raise BadLine(LineError(source, number, "account_kelurahan harus string"))
    platform = record.get("platform")
    return record["id"], record["text"], wilayah or None, str(platform) if platform else None


def output_record(
    ident: Any, analysis: Analysis, rules: list[Rule], threshold: float, platform: str | None = None
) -> dict[str, Any]:
    topical = analysis.intent.label in TOPIC_INTENTS
    rule = None
    if topical:
        rule = route(routing_facts(analysis, platform or ""), rules)
    place = analysis.place
    return {
        "id": ident,
        "intent": analysis.intent.label,
        "topic": analysis.topic.label if topical else None,
        "urgency": analysis.urgency.label,
        "kelurahan": place.kelurahan,
        "kecamatan": place.kecamatan,
        "street": place.street,
        "rt": place.rt,
        "rw": place.rw,
        "landmark": place.landmark,
        "place_source": place.source,
        "opd": rule.assign_to if rule else None,
        "route_rule": rule.name if rule else None,
        "masked_text": analysis.masked,
        "confidence": analysis.confidences(),
        "reasons": analysis.reasons(),
        "needs_review": needs_review(analysis, threshold),
        "model_version": analysis.version,
    }


def analyze_stream(
    analyzer: Analyzer,
    lines: Iterator[bytes],
    write: Callable[[str], object],
    *,
    source: str,
    rules: list[Rule],
    threshold: float,
    skip_bad: bool,
) -> AnalyzeReport:
    report = AnalyzeReport()
    pending: list[tuple[Any, str, str | None, str | None]] = []

    def flush() -> None:
        analyses = analyzer.analyze_batch([(text, wilayah) for _, text, wilayah, _ in pending])
        for (ident, _, _, platform), analysis in zip(pending, analyses, strict=True):
            record = output_record(ident, analysis, rules, threshold, platform)
            write(json.dumps(record, ensure_ascii=False) + "\n")
        report.analyzed += len(pending)
        pending.clear()

    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            pending.append(_parse(number, raw, source))
        except BadLine as bad:
            if not skip_bad:
                flush()
                raise
            report.skipped.append(bad.error)
        if len(pending) >= CHUNK:
            flush()
    flush()
    return report


def read_lines(stream: IO[bytes]) -> Iterator[bytes]:
    for line in stream:
        yield line.rstrip(b"\r\n")
