"""Step 0010 (full-text search): a database one step short of it upgrades with every case kept
and indexed, so existing cases are found without diacritics right after the upgrade."""
import datetime as dt

from zalo_oa import migrations, seed
from zalo_oa.cases import queries
from zalo_oa.cases.queries import Filters
from zalo_oa.models import Case, Category, Staff

from .test_migrations import use

STEP = "0010_case_search"


def _before_step():
    names = [m.name for m in migrations._runner().status() if m.path is not None]
    return names[names.index(STEP) - 1]


def test_upgrading_to_the_search_step_keeps_and_indexes_existing_cases(scratch_url):
    db = use(scratch_url())
    migrations._runner().up(target=_before_step())
    seed.load_reference_data()
    lighting = Category.get(Category.slug == "lighting")
    old = [Case.create(category=lighting, description=text, address=address).id
           for text, address in (("Đèn đường hỏng", "Đường Điện Biên Phủ"),
                                 ("Cống nghẹt", "Ngõ Huế"), ("ĐÈN ĐƯỜNG tắt", None))]
    before = list(db.execute_sql('SELECT id, description, address FROM "case" ORDER BY id'))
    assert migrations.current_version() < int(STEP[:4])
    migrations.upgrade()
    assert list(db.execute_sql('SELECT id, description, address FROM "case" ORDER BY id')) \
        == before
    reader = Staff(id=1, username="s", role="operator")
    now = dt.datetime(2026, 12, 1)
    assert [c.id for c in queries.page(Filters(q="den duong"), reader, now)[0]] \
        == [old[2], old[0]]
    assert [c.id for c in queries.page(Filters(q="dien bien"), reader, now)[0]] == [old[0]]
    # Cases written after the step are indexed as they are written.
    new = Case.create(category=lighting, description="đèn đường chập chờn").id
    assert [c.id for c in queries.page(Filters(q="den duong"), reader, now)[0]] \
        == [new, old[2], old[0]]
