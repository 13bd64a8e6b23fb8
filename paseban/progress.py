"""How far a long piece of work has come, for whoever watches it.

Services that take long (an import of thousands of lines, analysing a file of messages, a
backup, a report) accept a `Progress` callback and call it with what they are doing, in words a
person reads ("menganalisis pesan"), how much is done and how much there is. The command line
turns the calls into a progress bar on a terminal (`cli.common.progress_bar`) and ignores them
otherwise; services never know which. Pure: no IO here."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

Progress = Callable[[str, int, int], None]  # (what is being done, done, total)
T = TypeVar("T")


def quiet(_what: str, _done: int, _total: int) -> None:
    """The progress nobody watches."""


def counted(progress: Progress, what: str, items: Sequence[T], every: int = 1) -> Iterator[T]:
    """Yield the items, telling `progress` how many are done: at the start, every `every` items
    and at the end (a bar that ends short of its total looks like a hang)."""
    total = len(items)
    progress(what, 0, total)
    for done, item in enumerate(items, start=1):
        yield item
        if done % every == 0 or done == total:
            progress(what, done, total)


def in_parts(progress: Progress, what: str, items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Yield the items in parts of `size`, telling `progress` after each part."""
    total = len(items)
    progress(what, 0, total)
    for start in range(0, total, size):
        part = items[start : start + size]
        yield part
        progress(what, min(start + size, total), total)
