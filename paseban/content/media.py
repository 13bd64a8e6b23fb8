"""Pictures and video in a post, as the rules see them: what is known about each item (its
facts, read once when it was uploaded), what format a post's media make (one picture, a carousel,
a video), how a platform frames them in its feed, and where it cuts the caption. Pure: the
facts come in as values, the platform's rules (connectors/media_limits.py) too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from paseban.connectors.media_limits import Fit, Frame, MediaLimits


class MediaKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"


class Origin(StrEnum):
    UPLOAD = "upload"  # sent from a phone or a desktop
    FIELDWORK = "fieldwork"  # a field visit's before/after photo
    DERIVED = "derived"  # made by Paseban from another item (a crop)
    SAMPLE = "sample"


ORIGIN_LABELS = {
    Origin.UPLOAD: "Unggahan",
    Origin.FIELDWORK: "Foto lapangan",
    Origin.DERIVED: "Turunan",
    Origin.SAMPLE: "Contoh",
}
KIND_LABELS = {MediaKind.IMAGE: "Foto", MediaKind.VIDEO: "Video"}


@dataclass(frozen=True)
class MediaFacts:
    """One library item as the checks need it."""

    id: int
    kind: MediaKind
    width: int
    height: int
    bytes: int
    mime: str
    alt_text: str = ""
    duration_ms: int | None = None
    fps: float | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    has_captions: bool = False  # a subtitle track, or text burned into the picture (declared)
    text_ratio: float | None = None  # share of the picture that looks like text (0..1)
    shows_people: bool = False
    consent_note: str = ""
    origin: Origin = Origin.UPLOAD
    privacy_checked: bool = False  # faces, house numbers and consent were checked

    @property
    def ratio(self) -> float:
        return self.width / self.height if self.height else 1.0

    @property
    def duration_s(self) -> float:
        return (self.duration_ms or 0) / 1000

    @property
    def is_video(self) -> bool:
        return self.kind is MediaKind.VIDEO


@dataclass(frozen=True)
class PostMedia:
    """A post's media in order, with the alt text written for this post (empty: the item's
    own), and its cover: an image for a video, or the item that opens a carousel."""

    items: tuple[MediaFacts, ...] = ()
    alt_texts: tuple[str, ...] = ()
    cover: MediaFacts | None = None
    cover_offset_ms: int | None = None  # a video's cover taken from this moment

    def alt(self, index: int) -> str:
        own = self.alt_texts[index] if index < len(self.alt_texts) else ""
        return (own or self.items[index].alt_text).strip()

    @property
    def format(self) -> str:
        """ "none", "image", "video" or "carousel"."""
        if not self.items:
            return "none"
        if len(self.items) > 1:
            return "carousel"
        return self.items[0].kind.value

    @property
    def has_cover(self) -> bool:
        return self.cover is not None or self.cover_offset_ms is not None


FORMAT_LABELS = {
    "none": "Tanpa media",
    "image": "Satu foto",
    "video": "Video/Reels",
    "carousel": "Carousel",
}


def ratio_label(ratio: float) -> str:
    """A ratio as people say it (4:5, 1:1, 16:9, 9:16), else with two decimals."""
    for name, value in KNOWN_RATIOS:
        if abs(ratio - value) < 0.01:
            return name
    return f"{ratio:.2f}:1".replace(".", ",")


KNOWN_RATIOS = (
    ("1:1", 1.0),
    ("4:5", 0.8),
    ("5:4", 1.25),
    ("3:4", 0.75),
    ("4:3", 4 / 3),
    ("2:3", 2 / 3),
    ("3:2", 1.5),
    ("9:16", 9 / 16),
    ("16:9", 16 / 9),
    ("1,91:1", 1.91),
)


# --- how the platform shows it -------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One item as the platform shows it: the frame's ratio and how the picture fills it."""

    media_id: int
    ratio: float  # the frame's width/height
    fit: Fit
    crop: tuple[int, int, int, int] | None  # the part that stays, when the frame cuts some off
    index: int


def frame_for(limits: MediaLimits, post: PostMedia) -> Frame | None:
    """The frame the platform uses for this post's format; None when it takes no such post."""
    fmt = post.format
    if fmt == "none":
        return None
    if fmt == "video" and limits.short_max_s is not None and "short" in limits.frames:
        item = post.items[0]
        if item.width <= item.height and item.duration_s <= limits.short_max_s:
            return limits.frames["short"]
    return limits.frames.get(fmt)


def center_crop(width: int, height: int, ratio: float) -> tuple[int, int, int, int]:
    """The largest box of `ratio` in the middle of a width × height picture."""
    if width / height > ratio:
        keep = round(height * ratio)
        left = (width - keep) // 2
        return (left, 0, left + keep, height)
    keep = round(width / ratio)
    top = (height - keep) // 2
    return (0, top, width, top + keep)


def _clamped(ratio: float, clamp: tuple[float, float] | None) -> float:
    if clamp is None:
        return ratio
    return min(max(ratio, clamp[0]), clamp[1])


def shown(limits: MediaLimits, post: PostMedia) -> list[Shown]:
    """Each item in the frame the platform gives it: a carousel on Instagram takes the first
    item's ratio (kept within 4:5–1.91:1) and crops the rest to it; a Reel fills 9:16; TikTok
    letterboxes into 9:16; Facebook keeps each picture whole."""
    frame = frame_for(limits, post)
    if frame is None:
        return []
    out: list[Shown] = []
    first = post.items[0]
    for index, item in enumerate(post.items):
        picture = post.cover if (item.is_video and post.cover is not None) else item
        if frame.ratio is not None:
            ratio = frame.ratio
        elif frame.follows_first:
            ratio = _clamped(first.ratio, frame.clamp)
        else:
            ratio = _clamped(picture.ratio, frame.clamp)
        fit = frame.fit
        if fit is Fit.NATURAL and abs(ratio - picture.ratio) > 0.005:
            fit = Fit.COVER  # clamped: the platform crops what sticks out
        cuts = fit is Fit.COVER and abs(picture.ratio - ratio) > 0.005
        crop = center_crop(picture.width, picture.height, ratio) if cuts else None
        out.append(Shown(picture.id, ratio, fit, crop, index))
    return out


@dataclass(frozen=True)
class Caption:
    shown: str  # what the feed shows before "... selengkapnya"
    hidden: str  # the rest
    cut_at: int | None  # characters shown, when the text is cut


def fold(text: str, limits: MediaLimits) -> Caption:
    """The caption as the feed shows it: cut after the platform's lines or characters,
    whichever comes first, at a word boundary."""
    text = text.strip()
    cut = len(text)
    if limits.caption_fold_lines is not None:
        lines = text.split("\n")
        if len(lines) > limits.caption_fold_lines:
            cut = min(cut, len("\n".join(lines[: limits.caption_fold_lines])))
    if limits.caption_fold_chars is not None and cut > limits.caption_fold_chars:
        space = text.rfind(" ", 0, limits.caption_fold_chars)
        cut = space if space > limits.caption_fold_chars // 2 else limits.caption_fold_chars
    if cut >= len(text):
        return Caption(text, "", None)
    return Caption(text[:cut].rstrip(), text[cut:].lstrip(), cut)


def kit_choice(limits: MediaLimits, variants: Sequence[tuple[str, MediaKind]]) -> list[int]:
    """Which of a campaign kit's assets start a draft for this platform, as indexes into
    `variants` ((variant, kind) in the kit's order): the feed poster where the platform takes
    pictures, else the video with its reel cover; a platform without pictures takes the video."""
    by_variant = {v: i for i, (v, _) in reversed(list(enumerate(variants)))}
    if limits.image is not None and "feed" in by_variant:
        return [by_variant["feed"]]
    if limits.video is not None and "video" in by_variant:
        chosen = [by_variant["video"]]
        if "reel_cover" in by_variant:
            chosen.append(by_variant["reel_cover"])
        return chosen
    return []
