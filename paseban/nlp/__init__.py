"""Message understanding for informal Indonesian.

`analyze(text, account=...)` uses the analyzer for the bundled reference data (Kota Bogor);
services build an Analyzer from the reference data stored in the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from paseban import reference
from paseban.domain.accounts import Account
from paseban.nlp import model
from paseban.nlp.analyzer import Analyzer
from paseban.nlp.pipeline import Analysis, Decision, Place, needs_review
from paseban.nlp.place import Gazetteer

__all__ = ["Analysis", "Analyzer", "Decision", "Place", "analyze", "analyze_batch", "needs_review"]


@lru_cache(maxsize=1)
def default_analyzer() -> Analyzer:
    data = reference.bundled("32.71")
    return Analyzer(Gazetteer(data.wilayah, data.landmarks), model.bundled())


def _wilayah_of(account: Account | str | None) -> str | None:
    if account is None or isinstance(account, str):
        return account
    return account.wilayah_code


def analyze(text: str, *, account: Account | str | None = None) -> Analysis:
    return default_analyzer().analyze(text, account_wilayah=_wilayah_of(account))


def analyze_batch(texts: Iterable[str], *, account: Account | str | None = None) -> list[Analysis]:
    wilayah = _wilayah_of(account)
    return default_analyzer().analyze_batch((t, wilayah) for t in texts)
