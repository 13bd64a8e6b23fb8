"""A field visit's before/after photos become a post draft in one step: both photos go into
the media library (cleaned like any upload, marked as field photos that still need their
privacy check), and a carousel draft tells what was fixed. The photos are read by the caller
(web/content/fieldposts.py) through services/measurement/fieldwork, which content may not
import (docs/architecture.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from paseban.content import approvals as ap
from paseban.content.media import Origin
from paseban.content.stories import before_after_text
from paseban.services.content import media as library
from paseban.services.content import posts as content
from paseban.services.content.post_media import MediaChoice, MediaRef

if TYPE_CHECKING:
    from paseban.context import Context


@dataclass(frozen=True)
class PairPhotos:
    ticket: str
    before: Path
    after: Path
    kelurahan: str | None = None
    kelurahan_name: str = ""
    topic_name: str = ""
    opd_name: str = ""


def _alt(label: str, topic: str, place: str) -> str:
    where = f" di {place}" if place else ""
    return f"{label.capitalize()} ditangani: {topic or 'lokasi laporan'}{where}"


def draft_from_pair(ctx: Context, who: ap.Who, account_id: int, pair: PairPhotos) -> int:
    place = f"Kelurahan {pair.kelurahan_name}" if pair.kelurahan_name else ""
    ids = []
    for label, path in (("sebelum", pair.before), ("sesudah", pair.after)):
        with path.open("rb") as file:
            ids.append(
                library.add_media(
                    ctx,
                    who,
                    library.Upload(f"{pair.ticket}-{label}.jpg", file, path.stat().st_size),
                    library.Details(
                        alt_text=_alt(label, pair.topic_name, place),
                        source="Foto lapangan",
                        kelurahan=pair.kelurahan,
                    ),
                    origin=Origin.FIELDWORK,
                    origin_ref=f"kasus {pair.ticket} ({label})",
                )
            )
    text = before_after_text(topic=pair.topic_name, place=place, opd=pair.opd_name)
    return content.create_post(
        ctx,
        who,
        content.PostInput(
            account_id=account_id,
            body=text,
            content_type="informasi",
            title=f"Sebelum/sesudah {pair.kelurahan_name or pair.ticket}",
            media=MediaChoice((MediaRef(ids[0]), MediaRef(ids[1])), ids[0], None),
        ),
    )
