"""`paseban model ...`: train and evaluate the text model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from paseban.boot import create_context
from paseban.cli.common import Fail, friendly, progress_bar, settings_from_env
from paseban.nlp import sources
from paseban.nlp.model import ModelError, bundled
from paseban.services.inbox import review
from paseban.storage import db, migrate


@click.group()
def model() -> None:
    """Model bahasa: latih dan evaluasi."""


@model.command("train")
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Awalan berkas model (bawaan: model di dalam paket).",
)
@click.option(
    "--corrections/--no-corrections",
    default=True,
    show_default=True,
    help="Ikutkan koreksi manusia dari basis data (bila tersedia).",
)
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="Folder korpus JSONL lain (bawaan: korpus di dalam paket).",
)
@click.option(
    "--train-dir",
    type=click.Path(file_okay=False),
    default="../shared/train",
    show_default=True,
    help="Folder data latih nyata (teks komentar dan SMS); dilewati dengan catatan bila tidak ada.",
)
@click.option("--force", is_flag=True, help="Ganti model walau skor pada komentar nyata uji turun.")
@friendly
def model_train(
    output: str | None, corrections: bool, corpus_dir: str | None, train_dir: str, force: bool
) -> None:
    """Latih model niat, topik, dan urgensi (korpus tim, data nyata, koreksi manusia)."""
    # training (NumPy, scikit-learn) is loaded by the commands that train, not by `paseban
    # --help` and every other command (issue 12)
    from paseban.nlp import train

    extra: list[Any] = _corrections_from_database() if corrections else []
    try:
        data = sources.gather(
            Path(train_dir),
            corpus_paths=Path(corpus_dir).glob("*.jsonl") if corpus_dir else None,
            corrections=extra,
        )
    except ValueError as exc:
        raise Fail(f"korpus: {exc}") from None
    if not data.corpus:
        raise Fail("korpus kosong: tidak ada berkas *.jsonl")
    with progress_bar() as progress:
        outcome = train.train(
            data,
            out=Path(output) if output else None,
            force=force,
            log=click.echo,
            progress=progress,
        )
    for line in train.summary(outcome):
        click.echo(line)


def _corrections_from_database() -> list[Any]:
    settings = settings_from_env()
    ctx = create_context(settings, jobs_backend="eager")
    try:
        db.check(ctx.engine)
        if not migrate.is_current(ctx.engine):
            click.echo("basis data belum disiapkan: koreksi manusia tidak diikutkan", err=True)
            return []
        rows = review.corrections_for_training(ctx)
    except db.DatabaseUnavailable:
        click.echo("basis data tidak terjangkau: koreksi manusia tidak diikutkan", err=True)
        return []
    finally:
        ctx.close()
    click.echo(f"koreksi manusia: {len(rows)} pesan")
    # training is loaded by the commands that train (see model_train)
    from paseban.nlp.train import corrections_as_examples

    return corrections_as_examples(rows)


@model.command("evaluate")
@click.option(
    "--eval-dir",
    type=click.Path(file_okay=False),
    default="../shared/eval",
    show_default=True,
    help="Folder data evaluasi nyata (hanya dibaca; dilewati bila tidak ada).",
)
@click.option(
    "--train-dir",
    type=click.Path(file_okay=False),
    default="../shared/train",
    show_default=True,
    help="Folder data latih nyata (komentar uji tertahan; dilewati bila tidak ada).",
)
@click.option(
    "--sources/--no-sources",
    "held_out_sources",
    default=True,
    show_default=True,
    help="Latih ulang tanpa tiap sumber korpus tim (beberapa menit).",
)
@friendly
def model_evaluate(eval_dir: str, train_dir: str, held_out_sources: bool) -> None:
    """Evaluasi keluaran produk: komentar nyata tertahan, sumber korpus ditahan, data nyata lain."""
    # the assessment retrains (NumPy, scikit-learn): loaded by this command only (see model_train)
    from paseban.nlp import assessment

    try:
        text_model = bundled()
    except ModelError as exc:
        raise Fail(str(exc)) from None
    data = sources.gather(Path(train_dir))
    with progress_bar() as progress:
        text = assessment.report(
            text_model,
            data,
            eval_root=Path(eval_dir),
            train_root=Path(train_dir),
            held_out_sources=held_out_sources,
            log=lambda line: click.echo(line, err=True),
            progress=progress,
        )
    click.echo(text)
