"""The deadline extension on the case page: a later date and a reason, refused when wrong."""
import datetime as dt

from tests.factories import login, make_case, make_staff, post
from zalo_oa import timeutil
from zalo_oa.models import Case


def test_staff_extend_a_deadline_on_the_case_page(ctx, client):
    make_staff()
    login(client)
    case = make_case("lighting")
    page = client.get(f"/cases/{case.code}").get_data(as_text=True)
    assert 'id="deadline-form"' in page
    new_day = timeutil.to_local(case.due_at).date() + dt.timedelta(days=10)
    response = post(client, f"/cases/{case.code}/deadline", due_date=new_day.isoformat(),
                    reason="Chờ vật tư thay thế")
    assert response.status_code == 302
    extended = Case.get_by_id(case.id)
    assert timeutil.to_local(extended.due_at).date() == new_day
    assert timeutil.to_local(extended.due_at).time() == timeutil.to_local(case.due_at).time()
    page = client.get(f"/cases/{case.code}").get_data(as_text=True)
    assert "Chờ vật tư thay thế" in page and "Gia hạn xử lý" in page
    refused = post(client, f"/cases/{case.code}/deadline", due_date="not-a-date", reason="x")
    assert refused.status_code == 302
    assert "Ngày không hợp lệ" in client.get(f"/cases/{case.code}").get_data(as_text=True)
    assert Case.get_by_id(case.id).due_at == extended.due_at
