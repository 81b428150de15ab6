"""Partners may store only the service's declared attributes, each of a bounded size: anything
else is a 400 and no case."""
import pytest

from tests.open311.test_open311 import post, with_questions
from zalo_oa.models import Case
from zalo_oa.open311 import partners

BASE = {"service_code": "roads", "lat": "10.7", "long": "106.7", "attribute[SIZE]": "big"}


@pytest.fixture
def key(ctx):
    with_questions()
    return partners.issue_key("Đối tác").key


@pytest.mark.parametrize("extra", [
    {"attribute[NOT_DECLARED]": "x"},
    {"attribute[blob]": "x" * 14_000_000},
    {"attribute[SIZE]": "big" + "x" * 600},
    {"attribute[LANES][]": ["1"] * 21},
    {"attribute[LANES][]": ["1", "x" * 501]},
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_undeclared_or_oversized_attributes_are_refused(client, key, extra, fmt):
    response = post(client, fmt, api_key=key, **{**BASE, **extra})
    assert response.status_code == 400
    assert not Case.select().exists()


def test_declared_attributes_of_a_sensible_size_are_kept(client, key):
    response = post(client, api_key=key, **BASE, **{"attribute[LANES][]": ["1", "2"]})
    assert response.status_code == 201
    assert Case.get().attributes == {"SIZE": "big", "LANES": ["1", "2"]}


def test_a_service_without_attributes_takes_none(client, key):
    response = post(client, api_key=key, service_code="lighting", lat="10.7", long="106.7",
                    **{"attribute[anything]": "x"})
    assert response.status_code == 400
