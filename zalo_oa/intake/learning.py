"""The category model learns from staff: their corrections (TrainingExample rows) are added to
the shipped examples whenever they change. `zalo-oa intake retrain` and the worker's `retrain`
job both come here."""
import logging

from peewee import fn

from ..models import TrainingExample
from .understanding import category, data

log = logging.getLogger(__name__)

_seen = {"stamp": None}


def corrections():
    """((text, category slug), ...) of the stored training examples, oldest first."""
    rows = TrainingExample.select(TrainingExample.text, TrainingExample.category_slug)
    return tuple((row.text, row.category_slug) for row in rows.order_by(TrainingExample.id))


def _stamp():
    return TrainingExample.select(fn.COUNT(TrainingExample.id),
                                  fn.MAX(TrainingExample.id)).tuples().get()


def retrain():
    """Train on the shipped examples and the corrections now; return the model."""
    extra = corrections()
    model = category.model(extra)
    _seen["stamp"] = _stamp()
    log.info("category model trained on %d shipped examples and %d corrections in %.1f s",
             len(data.examples()), len(extra), model.seconds)
    return model


def retrain_if_changed():
    """Retrain when corrections were added (or removed) since the last training here; return
    whether it did. One cheap query when nothing changed."""
    if _seen["stamp"] is not None and _stamp() == _seen["stamp"]:
        return False
    retrain()
    return True
