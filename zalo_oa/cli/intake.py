"""`zalo-oa intake retrain`: train the category model on the shipped examples and the staff's
corrections, and say how well it does."""
import random

import click

from .context import ready_app


@click.group()
def intake():
    """How the bot reads citizens' messages."""


@intake.command()
@click.option("--folds", default=5, show_default=True,
              help="Cross-validation folds for the figures (0: none).")
def retrain(folds):
    """Train now; the worker picks up the same corrections at its next retrain check."""
    from ..intake import learning
    from ..intake.understanding import data

    ready_app()
    model = learning.retrain()
    corrections = learning.corrections()
    click.echo(f"trained on {len(data.examples())} shipped examples and {len(corrections)} "
               f"staff corrections in {model.seconds:.1f} s")
    if folds > 1:
        one, three = _cross_validate(list(data.examples()) + list(corrections), folds)
        click.echo(f"{folds}-fold cross-validation: top-1 {one:.3f}, top-3 {three:.3f}")


def _cross_validate(examples, folds):
    from ..intake.understanding import category, message

    random.Random(1).shuffle(examples)
    one = three = 0
    for fold in range(folds):
        model = category.Model([e for i, e in enumerate(examples) if i % folds != fold])
        for text, slug in examples[fold::folds]:
            ranked = [s for s, _ in model.rank(message.read(text)).ranked]
            one += ranked[0] == slug
            three += slug in ranked[:3]
    return one / len(examples), three / len(examples)
