"""The checker is calibrated on the sample drafts (docs/content.md): the drafts an editor would
publish score high, the sloppy ones low. A change to the weights that breaks this fails here."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from paseban.content.names import NameBook
from paseban.content.programs import Program
from paseban.content.quality import ContentType, Draft, check

FOLDER = resources.files("paseban.data").joinpath("sample", "content")
POSTS: list[dict[str, Any]] = json.loads(FOLDER.joinpath("content.json").read_text("utf-8"))[
    "posts"
]
PROGRAMS = {
    p["code"]: Program(
        p["code"],
        p["name"],
        p["owner_opd"],
        hashtags=tuple(p["hashtags"]),
        official_names=tuple(p.get("official_names", ())),
    )
    for p in json.loads(FOLDER.joinpath("programs.json").read_text("utf-8"))
}
CAMPAIGN_TAGS = tuple(
    json.loads(FOLDER.joinpath("content.json").read_text("utf-8"))["campaign"]["hashtags"]
)


def score(post: dict[str, Any], names: NameBook) -> int:
    draft = Draft(
        post["body"],
        "instagram",
        ContentType(post["type"]),
        PROGRAMS.get(post.get("program", "")),
        CAMPAIGN_TAGS if post.get("campaign") else (),
    )
    return check(draft, names).score


def test_the_sample_has_both_kinds() -> None:
    kinds = {p["quality"] for p in POSTS}
    assert kinds == {"good", "poor"}
    assert sum(p["quality"] == "poor" for p in POSTS) >= 4


@pytest.mark.parametrize("post", POSTS, ids=[p["title"] for p in POSTS])
def test_good_drafts_score_high_and_poor_ones_low(
    post: dict[str, Any], bogor_names: NameBook
) -> None:
    value = score(post, bogor_names)
    if post["quality"] == "good":
        assert value >= 80, (post["title"], value)
    else:
        assert value < 60, (post["title"], value)
