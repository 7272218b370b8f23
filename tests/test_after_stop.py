"""Details typed after the request form was stopped are kept, not dropped."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.after_stop import ActionDetailsAfterStop
from tests.conftest import user_event


def _tracker(text, intent="inform", slots=None):
    latest = {"intent": {"name": intent}, "text": text, "entities": []}
    return Tracker(
        "c", slots or {}, latest, [user_event(intent, text)], False, None, {}, ""
    )


STOPPED = {"form_stopped": True, "stopped_kind": "callback"}


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Tom Hill", {"full_name": "Tom Hill"}),
        ("tom@example.com", {"contact": "tom@example.com"}),
        ("07700 900111", {"contact": "07700 900111"}),
        ("Monday morning", {"preferred_time": "Monday morning"}),
    ],
)
async def test_a_detail_after_a_stop_is_kept_and_a_new_form_offered(text, kept):
    dispatcher = CollectingDispatcher()
    earlier = {"details_after_stop": {"full_name": "Tom Hill"}}
    events = await ActionDetailsAfterStop().run(
        dispatcher, _tracker(text, slots={**STOPPED, **earlier}), {}
    )
    assert events == [SlotSet("details_after_stop", {"full_name": "Tom Hill", **kept})]
    assert dispatcher.messages[0]["response"] == "utter_details_after_stop_callback"


@pytest.mark.parametrize(
    ("text", "intent", "then"),
    [
        ("what is the weather like", "out_of_scope", "utter_out_of_scope"),
        ("blorp zzz", "nlu_fallback", "action_clarify"),
        ("i live in leeds", "inform", "utter_inform_outside_form"),
    ],
)
async def test_anything_else_goes_where_it_would_have_gone(text, intent, then):
    dispatcher = CollectingDispatcher()
    events = await ActionDetailsAfterStop().run(
        dispatcher, _tracker(text, intent, STOPPED), {}
    )
    assert events == [FollowupAction(then)]
    assert dispatcher.messages == []


async def test_without_a_stopped_form_details_go_to_the_usual_answer():
    events = await ActionDetailsAfterStop().run(
        CollectingDispatcher(), _tracker("Tom Hill"), {}
    )
    assert events == [FollowupAction("utter_inform_outside_form")]


@pytest.mark.parametrize(
    "text",
    ["I will think about it over the weekend", "can I ring on Monday?", ["Tom"]],
)
async def test_a_sentence_after_a_stop_is_not_a_detail(text):
    events = await ActionDetailsAfterStop().run(
        CollectingDispatcher(), _tracker(text, slots=STOPPED), {}
    )
    assert events == [FollowupAction("utter_inform_outside_form")]
