"""Posters for the sample posts, drawn with Pillow when the sample is loaded (nothing is
downloaded, no binary files in the package): Instagram refuses a post without a picture, so every
sample post that goes past the draft carries one, as a kelurahan admin's Canva poster would."""

from __future__ import annotations

import io
import textwrap

from PIL import Image, ImageDraw, ImageFont

SIZE = (1080, 1350)  # 4:5, Instagram's tallest feed picture
COLOURS = ((18, 110, 100), (30, 80, 160), (150, 60, 40), (90, 60, 130), (40, 120, 60))


def poster(title: str, area: str, seed: int) -> bytes:
    """A JPEG poster: the post's title in large letters over a plain colour, its area below."""
    height = SIZE[1]
    background = COLOURS[seed % len(COLOURS)]
    image = Image.new("RGB", SIZE, background)
    draw = ImageDraw.Draw(image)
    big = ImageFont.load_default(size=104)
    small = ImageFont.load_default(size=46)
    y = 180
    for line in textwrap.wrap(title.upper(), width=14)[:5]:
        draw.text((80, y), line, fill="white", font=big)
        y += 130
    draw.rectangle((80, y + 30, 380, y + 42), fill=(255, 210, 90))
    draw.text((80, y + 80), area, fill=(255, 230, 160), font=small)
    for n in range(4):  # a band of shapes at the foot, as posters have
        x = 80 + n * 240
        draw.ellipse((x, height - 330, x + 180, height - 150), outline="white", width=8)
    draw.text((80, height - 110), "#KotaBogor", fill="white", font=small)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()
