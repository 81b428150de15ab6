"""events.parsed: the webhook's JSON reading skips the cleaning walk only when nothing in the
text could need it, and gives what the walk gives otherwise (pure)."""
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zalo_oa.intake import events

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=12)


@given(JSON, st.booleans())
def test_parsed_equals_the_cleaning_walk(value, ascii_only):
    text = json.dumps(value, ensure_ascii=ascii_only)
    try:
        expected = events.cleaned(json.loads(text))
    except events.Unreadable as exc:
        with pytest.raises(events.Unreadable, match=str(exc)[:20]):
            events.parsed(text)
    else:
        assert events.parsed(text) == expected


def test_what_the_walk_catches_is_still_caught():
    assert events.parsed('{"text": "a\\u0000b"}') == {"text": "ab"}
    with pytest.raises(events.Unreadable, match="lone surrogate"):
        events.parsed('{"text": "\\ud800"}')
    deep = "[" * (events.MAX_DEPTH + 2) + "]" * (events.MAX_DEPTH + 2)
    with pytest.raises(events.Unreadable, match="nested too deeply"):
        events.parsed(deep)
    shallow = "[" * events.MAX_DEPTH + "]" * events.MAX_DEPTH
    assert events.parsed(shallow) == json.loads(shallow)
