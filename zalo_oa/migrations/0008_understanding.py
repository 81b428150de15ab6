"""The bot understands citizens: staff corrections kept as training examples, replies to
anonymous chatters (their conversation on the outbox row), and the chat's extra questions.

- table `training_example`: a message and its right category (a staff correction);
- column `outbox_message.conversation_id`: the anonymous conversation a reply belongs to;
- data: the shipped categories get the extra questions this release asks in chat (frozen in
  `0008_understanding.json`), unless an admin already gave them some.
"""
import json
from pathlib import Path

from peewee import CharField, DateTimeField, ForeignKeyField, Model, TextField

FROZEN = json.loads(Path(__file__).with_suffix(".json").read_text(encoding="utf-8"))


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("outbox_message", "conversation_id",
                            CharField(null=True, max_length=64)))
    Category, TrainingExample = _frozen_models(db)
    db.create_tables([TrainingExample])
    for slug, questions in FROZEN["questions"].items():
        (Category.update(questions=json.dumps(questions, ensure_ascii=False))
         .where((Category.slug == slug)
                & (Category.questions.is_null() | (Category.questions == "[]")))
         .execute())


def _frozen_models(db):
    class Staff(Model):
        class Meta:
            database = db
            table_name = "staff"

    class Case(Model):
        class Meta:
            database = db
            table_name = "case"

    class Category(Model):
        slug = CharField(unique=True, max_length=64)
        questions = TextField()

        class Meta:
            database = db
            table_name = "category"

    class TrainingExample(Model):
        text = TextField()
        category_slug = CharField(max_length=64)
        source = CharField(max_length=16)
        case = ForeignKeyField(Case, null=True, on_delete="SET NULL")
        staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
        created_at = DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "training_example"

    return Category, TrainingExample
