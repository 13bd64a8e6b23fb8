"""`paseban model ...`: train and evaluate the text model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from paseban import reference
from paseban.boot import create_context
from paseban.cli.common import Fail, friendly, settings_from_env
from paseban.nlp import evaluate, labelled, train
from paseban.nlp import model as nlp_model
from paseban.nlp.analyzer import Analyzer
from paseban.nlp.model import ModelError, bundled
from paseban.nlp.place import Gazetteer
from paseban.nlp.train import corrections_as_examples
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
@friendly
def model_train(output: str | None, corrections: bool, corpus_dir: str | None) -> None:
    """Latih model niat, topik, dan urgensi dari korpus di repositori (+ koreksi manusia)."""

    extra: list[labelled.Example] = []
    if corrections:
        extra = _corrections_from_database()
    try:
        examples = labelled.read(Path(corpus_dir).glob("*.jsonl") if corpus_dir else None)
    except ValueError as exc:
        raise Fail(f"korpus: {exc}") from None
    if not examples:
        raise Fail("korpus kosong: tidak ada berkas *.jsonl")
    target = Path(output) if output else nlp_model.bundled_path()
    fitted, parts, meta = train.train(examples, extra_train=extra, out=target, log=click.echo)
    data = reference.bundled("32.71")
    result = evaluate.evaluate(
        Analyzer(Gazetteer(data.wilayah, data.landmarks), fitted), parts.test
    )
    meta = {**meta, "evaluation": result.headline()}
    nlp_model.save(target, fitted.vocabulary, fitted.idf, fitted.heads, meta)
    report = target.with_suffix(".report.md")
    report.write_text(
        f"# Laporan evaluasi model {meta['version']}\n\n"
        f"Korpus {meta['corpus_size']} pesan (+{meta['corrections_used']} koreksi), latih "
        f"{meta['train_size']}, uji {meta['test_size']}; {meta['features']} fitur; "
        f"{meta['seconds']} detik.\n\n" + result.render(),
        encoding="utf-8",
    )
    for key, value in result.headline().items():
        click.echo(f"{key}: {value:.3f}")
    click.echo(
        f"model {meta['version']} ditulis ke {target.with_suffix('.npz')} (laporan: {report})"
    )


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
    return corrections_as_examples(rows)


@model.command("evaluate")
@click.option(
    "--eval-dir",
    type=click.Path(file_okay=False),
    default="../shared/eval",
    show_default=True,
    help="Folder data evaluasi nyata (hanya dibaca; dilewati bila tidak ada).",
)
@friendly
def model_evaluate(eval_dir: str) -> None:
    """Presisi, recall, F1 dan matriks kebingungan pada data uji, dan pada data nyata bila ada."""

    try:
        text_model = bundled()
    except ModelError as exc:
        raise Fail(str(exc)) from None
    data = reference.bundled("32.71")
    analyzer = Analyzer(Gazetteer(data.wilayah, data.landmarks), text_model)
    parts = train.split(labelled.read())
    click.echo(f"# Evaluasi model {text_model.version}\n")
    click.echo(evaluate.evaluate(analyzer, parts.test).render())
    root = Path(eval_dir)
    if not root.is_dir():
        click.echo(f"data evaluasi nyata tidak ada di {root}: dilewati")
        return
    click.echo(f"## Data nyata ({root}; tidak pernah dipakai untuk melatih)\n")
    figures = evaluate.real_data(analyzer, root, click.echo)
    for name, values in figures.items():
        click.echo(f"### {name}")
        for key, value in values.items():
            click.echo(f"- {key}: {value:.3f}" if isinstance(value, float) else f"- {key}: {value}")
        click.echo("")
