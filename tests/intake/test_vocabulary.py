"""The dialogue's words (data/vocabulary.json) and steps: every button a citizen can tap is
understood, every step has its transition and its question, and the diagram names them all."""
import json
import re
from pathlib import Path

import pytest

from zalo_oa.delivery.messages import labels
from zalo_oa.intake import dialogue, prompts, steps, vocabulary
from zalo_oa.text import fold

DIAGRAM = Path(__file__).parents[2] / "docs" / "dialogue.md"

# A button's label key -> what a tap on it (its title sent back as text) must mean.
BUTTONS = {"done": ("answers", "done"), "skip": ("answers", "done"),
           "submit": ("answers", "submit"), "submit_private": ("answers", "submit_private"),
           "edit": ("answers", "edit"), "cancel": ("commands", "cancel"),
           "report": ("commands", "report"), "status": ("commands", "status"),
           "help": ("commands", "help"), "continue": ("commands", "continue"),
           "follow_case": ("answers", "follow"), "new_case": ("answers", "new_case"),
           "change_category": ("commands", "change_category"),
           "change_location": ("commands", "change_location"),
           "record": ("answers", "record"),
           **{f"field_{slot}": ("fields", slot) for slot in steps.EDITABLE}}


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_every_dialogue_button_means_what_it_says_when_tapped(locale):
    for key, (table, meaning) in BUTTONS.items():
        assert vocabulary.meaning(table, fold(labels(locale)[key])) == meaning, key


def test_phrases_match_with_or_without_diacritics_in_any_case():
    for typed in ("Hủy", "huy", "HỦY BỎ", "hủy  bỏ!"):
        assert vocabulary.meaning("commands", fold(typed)) == "cancel"
    assert vocabulary.means("answers", "done", fold("Không có"))
    assert vocabulary.spoken("prefixes", "area") == "khu vực"


@pytest.fixture
def clashing_vocabulary(tmp_path, monkeypatch):
    data = json.loads(vocabulary.FILE.read_text(encoding="utf-8"))
    data["answers"]["edit"].append("Xong")
    path = tmp_path / "vocabulary.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(vocabulary, "FILE", path)
    vocabulary._load.cache_clear()
    vocabulary.table.cache_clear()
    yield
    vocabulary._load.cache_clear()
    vocabulary.table.cache_clear()


def test_a_phrase_with_two_meanings_in_one_table_stops_the_load(clashing_vocabulary):
    with pytest.raises(ValueError, match="'xong' means both 'done' and 'edit'"):
        vocabulary.table("answers")


def test_every_step_has_a_transition_and_a_question():
    assert tuple(dialogue.TEXT) == steps.STEPS
    assert tuple(prompts.QUESTIONS) == steps.STEPS
    assert set(steps.ANSWERED) == set(steps.SLOTS)


def test_the_state_diagram_draws_every_step_and_no_other():
    block = DIAGRAM.read_text(encoding="utf-8").split("```mermaid", 1)[1].split("```", 1)[0]
    arrows = re.findall(r"^\s*(\S+) --> ([^:\s]+)", block, re.MULTILINE)
    drawn = {state for arrow in arrows for state in arrow} - {"[*]"}
    assert drawn == set(steps.STEPS)
