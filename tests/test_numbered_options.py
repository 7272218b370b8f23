"""Buttons as numbered options, and number replies, for channels without buttons."""

import pytest

from bot.numbered_options import (
    chosen_payload,
    is_number_reply,
    last_buttons,
    numbered_text,
)

BUTTONS = [
    {"title": "Tell me more", "payload": "/tell_more"},
    {"title": "What are the risks?", "payload": "/ask_risks"},
]


def test_buttons_become_numbered_options_after_the_text():
    assert numbered_text("Answer.", BUTTONS, "Reply with a number:") == (
        "Answer.\n\nReply with a number:\n1. Tell me more\n2. What are the risks?"
    )
    assert numbered_text("Answer.", [], "Reply with a number:") == "Answer."


@pytest.mark.parametrize(
    ("reply", "payload"),
    [
        ("1", "/tell_more"),
        (" 2 ", "/ask_risks"),
        ("2.", "/ask_risks"),
        ("option 1", "/tell_more"),
    ],
)
def test_a_number_reply_chooses_that_option(reply, payload):
    assert is_number_reply(reply)
    assert chosen_payload(reply, BUTTONS) == payload


@pytest.mark.parametrize(
    "reply", ["3", "0", "07700900123", "no thanks", "2 please tell me", ""]
)
def test_other_replies_choose_nothing(reply):
    assert chosen_payload(reply, BUTTONS) is None


def test_the_options_are_those_of_the_last_bot_message():
    events = [
        {"event": "bot", "data": {"buttons": [{"title": "Old", "payload": "/old"}]}},
        {"event": "user", "text": "hi"},
        {"event": "bot", "data": {"buttons": BUTTONS}},
        {"event": "action", "name": "action_listen"},
    ]
    assert last_buttons(events) == BUTTONS
    assert last_buttons([*events, {"event": "user", "text": "x"}]) == []
    assert last_buttons([{"event": "bot", "data": {}}]) == []
