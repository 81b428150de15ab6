"""Admin-edited message texts run in Jinja's sandbox with the documented variables only: the
editor refuses anything else, and a stored text that slips through fails closed at render."""
import logging
from pathlib import Path

import jinja2
import pytest

from tests.factories import login, make_staff, post
from zalo_oa.delivery import admin_texts, messages
from zalo_oa.models import TemplateText

ATTACKS = [
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__.os.environ }}",
    "{{ code.__class__.__mro__[1].__subclasses__() }}",
    "{{ L.__class__.__init__.__globals__ }}",
    "{{ config }}",
    "{{ self.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'] }}",
    "{% for x in range(100000000) %}{% endfor %}",
    "{{ code * 100000000 }}",
    "{{ 9 ** 9 ** 9 }}",
    "{{ code.center(1000000000) }}",
    "{{ code|center(1000000000) }}",
    "{{ '%1000000000d'|format(1) }}",
    "{{ code.format.__globals__ }}",
    "{{ cases.pop() }}",
]


@pytest.fixture
def admin_client(app, client):
    with app.app_context():
        make_staff("boss", role="admin")
        login(client, "boss")
        yield client


def test_the_editor_refuses_code_that_escapes_the_sandbox_or_exhausts_memory(admin_client):
    for body in ATTACKS:  # one app for all of them: each is one request
        response = post(admin_client, "/admin/templates/vi/staff_reply", action="save",
                        body=body)
        assert response.status_code == 400, body
        page = response.get_data(as_text=True)
        assert "uid=" not in page and "SECRET" not in page, body
    assert not TemplateText.select().exists()


def test_a_stored_attack_fails_closed_and_the_file_text_is_sent(ctx, caplog):
    caplog.set_level(logging.ERROR)
    for body in ATTACKS:
        TemplateText.delete().execute()
        TemplateText.create(locale="vi", name="staff_reply", body=body)
        messages.forget_overrides()
        text = messages.render_text("staff_reply", {"code": "PA-1", "text": "ok"}, "vi")
        assert text.startswith("Phản hồi về phản ánh PA-1"), body
    assert caplog.text.count("staff_reply") >= len(ATTACKS)


def test_only_documented_variables_reach_an_admin_text(ctx):
    TemplateText.create(locale="vi", name="staff_reply", body="{{ code }} {{ text }}")
    messages.forget_overrides()
    params = {"code": "PA-1", "text": "ok", "secret_key": "s3cr3t"}
    assert messages.render_text("staff_reply", params, "vi") == "PA-1 ok"
    with pytest.raises(jinja2.TemplateError, match="secret_key"):
        messages.render_string("{{ secret_key }}", params, "vi")


def test_every_shipped_template_passes_the_admin_checks():
    """An admin can always save the original text back: the files use only what is allowed."""
    for path in sorted(Path(messages.TEMPLATE_DIR).glob("*/*.txt")):
        body = path.read_text(encoding="utf-8")
        assert admin_texts.problem(body) is None, path
        admin_texts.compile_text(body)


def test_what_templates_commonly_do_still_works(ctx):
    body = ("{{ L.get('yes', 'có')|upper }} {{ code|lower }} {{ '%d/%d'|format(count, max) }} "
            "{{ names|join(', ') }} {{ count * 2 }} {% for c in cases %}{{ c.code }}{% endfor %}")
    text = messages.render_string(body, {"code": "PA-1", "count": 2, "max": 5,
                                         "names": ["a", "b"], "cases": [{"code": "X"}]}, "vi")
    assert text.endswith("pa-1 2/5 a, b 4 X")
