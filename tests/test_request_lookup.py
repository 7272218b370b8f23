"""Status and cancellation by reference: this conversation's requests only."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.request_lookup import ActionCancelRequest, ActionRequestStatus
from tests.conftest import user_event
from tests.test_store import request


@pytest.fixture
def store(request_db):
    return request_db


def tracker(text, sender="mine", entities=None, intent="request_status"):
    latest = {"intent": {"name": intent}, "text": text, "entities": entities or []}
    return Tracker(sender, {}, latest, [user_event(intent, text)], False, None, {}, "")


async def run(action, tracker_):
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker_, {})
    return dispatcher.messages


async def test_status_of_my_request_by_reference(store):
    mine, _ = await store.submit(request(conversation="mine"))
    messages = await run(
        ActionRequestStatus(), tracker(f"status of {mine.reference.lower()}?")
    )
    assert messages == [
        {
            **messages[0],
            "response": "utter_request_status_pending",
            "reference": mine.reference,
        }
    ]


async def test_someone_elses_reference_is_never_revealed(store):
    theirs, _ = await store.submit(request(conversation="theirs"))
    messages = await run(
        ActionRequestStatus(), tracker(f"status of {theirs.reference}")
    )
    assert [m["response"] for m in messages] == ["utter_request_not_found"]
    assert "Margaret" not in str(messages)
    cancel = await run(
        ActionCancelRequest(),
        tracker(f"cancel {theirs.reference}", intent="cancel_request"),
    )
    assert [m["response"] for m in cancel] == ["utter_request_not_found"]
    assert (await store.get(theirs.reference)).status == "pending"


async def test_status_without_a_reference_lists_my_requests(store):
    await store.submit(request(key="a", conversation="mine"))
    await store.submit(request(key="b", conversation="mine"))
    await store.submit(request(key="c", conversation="theirs"))
    messages = await run(ActionRequestStatus(), tracker("any news on my request?"))
    assert len(messages) == 2


async def test_no_requests_in_this_conversation(store):
    messages = await run(ActionRequestStatus(), tracker("status please"))
    assert [m["response"] for m in messages] == ["utter_no_requests"]


async def test_cancel_my_request_by_reference(store):
    mine, _ = await store.submit(request(conversation="mine"))
    messages = await run(
        ActionCancelRequest(),
        tracker(f"cancel my booking {mine.reference}", intent="cancel_request"),
    )
    assert messages[0]["response"] == "utter_request_cancelled"
    assert (await store.get(mine.reference)).status == "cancelled"
    assert await store.outbox_counts() == {"delivered": 0, "waiting": 2}


async def test_cancel_from_a_button_payload_entity(store):
    mine, _ = await store.submit(request(conversation="mine"))
    entities = [{"entity": "reference", "value": mine.reference}]
    await run(ActionCancelRequest(), tracker("/cancel_request", entities=entities))
    assert (await store.get(mine.reference)).status == "cancelled"


async def test_cancel_without_a_reference_cancels_the_only_pending_one(store):
    mine, _ = await store.submit(request(conversation="mine"))
    await run(
        ActionCancelRequest(), tracker("cancel my booking", intent="cancel_request")
    )
    assert (await store.get(mine.reference)).status == "cancelled"


async def test_cancel_without_a_reference_asks_which_of_several(store):
    a, _ = await store.submit(request(key="a", conversation="mine"))
    b, _ = await store.submit(request(key="b", conversation="mine"))
    messages = await run(
        ActionCancelRequest(), tracker("cancel it", intent="cancel_request")
    )
    assert messages[0]["response"] == "utter_which_request"
    assert [b_["title"] for b_ in messages[0]["buttons"]] == [a.reference, b.reference]
    assert (await store.get(a.reference)).status == "pending"


async def test_a_cancelled_request_stays_cancelled(store):
    mine, _ = await store.submit(request(conversation="mine"))
    await store.set_status(mine.reference, "cancelled", "mine")
    messages = await run(ActionCancelRequest(), tracker(f"cancel {mine.reference}"))
    assert [m["response"] for m in messages] == ["utter_request_status_cancelled"]


async def test_an_unusable_database_is_explained(tmp_path, monkeypatch, clinic_file):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("BOT_DB", str(blocker / "requests.db"))
    messages = await run(ActionRequestStatus(), tracker("status?"))
    assert [m["response"] for m in messages] == ["utter_store_unavailable"]
    assert messages[0]["clinic_phone"] == "020 7946 0000"


async def test_a_malformed_reference_is_not_found_never_another_request(store):
    await store.submit(request(conversation="mine"))
    for action, intent in (
        (ActionRequestStatus(), "request_status"),
        (ActionCancelRequest(), "cancel_request"),
    ):
        messages = await run(
            action, tracker("what is the status of ZZZZ9999", intent=intent)
        )
        assert [m["response"] for m in messages] == ["utter_request_not_found"]
        assert messages[0]["reference"] == "ZZZZ9999"


async def test_status_during_the_form_says_this_request_is_not_sent_yet(store):
    await store.submit(request(conversation="mine"))
    latest = {"intent": {"name": "request_status"}, "text": "status of my request?"}
    in_form = Tracker(
        "mine",
        {},
        {**latest, "entities": []},
        [user_event("request_status", latest["text"])],
        False,
        None,
        {"name": "request_form"},
        "",
    )
    messages = await run(ActionRequestStatus(), in_form)
    assert [m["response"] for m in messages] == ["utter_request_not_sent_yet"]
