"""The channels' checks before NLU: size, type, sender, origins."""

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.settings import DEFAULT_MAX_MESSAGE_CHARS, max_message_chars
from channels.guarded import (
    GuardedRestInput,
    GuardedSocketIOInput,
    HeldOutput,
    MessageGuardMixin,
    allowed_origins_from,
    refusal,
)
from channels.numbered import NumberedRestInput, NumberedTwilioInput
from rasa_stores import availability


def test_a_message_up_to_the_limit_is_read(clinic_file):
    assert refusal("x" * DEFAULT_MAX_MESSAGE_CHARS) is None
    assert refusal("") is None
    assert refusal(None) is None  # Rasa's own empty-message answer


def test_a_longer_message_gets_the_limit_and_the_emergency_number(clinic_file, kb):
    answer = refusal("(" * (DEFAULT_MAX_MESSAGE_CHARS + 1))
    assert answer.startswith(kb.ui["message_too_long"].split("(")[0])
    assert "2,001 characters" in answer
    assert "2,000" in answer
    assert answer.endswith("call 112.")  # the clinic file's emergency number


@pytest.mark.parametrize("value", [5, ["a"], {"text": "hi"}, b"bytes"])
def test_what_is_not_text_gets_a_plain_answer(clinic_file, kb, value):
    assert refusal(value).startswith(kb.ui["message_not_text"].split(".")[0])


@pytest.mark.parametrize(
    ("setting", "limit"), [("500", 500), ("0", 2000), ("-3", 2000), ("lots", 2000)]
)
def test_the_limit_is_a_setting(monkeypatch, setting, limit):
    monkeypatch.setenv("MAX_MESSAGE_CHARS", setting)
    assert max_message_chars() == limit


def test_every_channel_of_the_credentials_is_guarded():
    for channel in (
        GuardedRestInput,
        GuardedSocketIOInput,
        NumberedRestInput,
        NumberedTwilioInput,
    ):
        assert issubclass(channel, MessageGuardMixin)
    assert GuardedRestInput.name() == "rest"
    assert GuardedSocketIOInput.name() == "socketio"


@pytest.mark.parametrize(
    ("value", "origins"),
    [
        (
            "https://clinic.example, https://www.clinic.example/",
            [
                "https://clinic.example",
                "https://www.clinic.example",
            ],
        ),
        (["http://127.0.0.1:8080"], ["http://127.0.0.1:8080"]),
        ("", None),
        (None, None),
    ],
)
def test_allowed_origins_are_read_from_a_list_or_a_string(value, origins):
    assert allowed_origins_from(value) == origins


def test_the_environment_sets_the_socket_origins(monkeypatch):
    monkeypatch.setenv("CHAT_ALLOWED_ORIGINS", "https://clinic.example")
    channel = GuardedSocketIOInput.from_credentials(
        {"allowed_origins": ["https://other.example"], "session_persistence": True}
    )
    assert channel.allowed_origins == ["https://clinic.example"]
    monkeypatch.delenv("CHAT_ALLOWED_ORIGINS")
    channel = GuardedSocketIOInput.from_credentials({})
    assert channel.allowed_origins is None  # the server's own origin only


def test_session_ids_are_issued_and_checked(monkeypatch):
    from channels import sessions

    monkeypatch.setenv("CHAT_SESSION_SECRET", "one secret")
    issued = sessions.issue()
    assert sessions.is_issued(issued)
    assert issued != sessions.issue()
    token, signature = issued.split(".")
    for forged in (
        token,  # a browser's own choice
        f"{token}.{'0' * len(signature)}",
        f"{'a' * len(token)}.{signature}",
        f"{issued}.x",
        "",
        None,
        42,
    ):
        assert not sessions.is_issued(forged)
    monkeypatch.setenv("CHAT_SESSION_SECRET", "another secret")
    assert not sessions.is_issued(issued)


def test_the_widget_channel_takes_messages_from_issued_sessions_only(monkeypatch):
    from channels import sessions

    monkeypatch.setenv("CHAT_SESSION_SECRET", "one secret")
    channel = GuardedSocketIOInput.from_credentials({"session_persistence": True})
    assert channel.accepts_sender(sessions.issue())
    assert not channel.accepts_sender("0123456789abcdef0123456789abcdef")
    assert GuardedRestInput().accepts_sender("anything the client chose")


@pytest.mark.parametrize(
    "text",
    ["(" * 1_999, "([" * 500, "!?.,;:" * 100, "🙂" * 300 + " ok"],
)
def test_a_long_run_of_symbols_is_refused_before_nlu(clinic_file, kb, text):
    assert refusal(text).startswith(kb.ui["message_unreadable"].split(":")[0])


@pytest.mark.parametrize(
    "text",
    [
        "(" * 199,
        "my mum had the procedure on Monday!!! " * 20,
        "call me on 07700 900123 or 07700 900456, between 9:00 and 17:00 please",
        "¿Qué pasa si tengo fiebre después de la operación? " * 10,
    ],
)
def test_ordinary_messages_are_not_symbols(clinic_file, text):
    assert refusal(text) is None


async def handled(on_new_message):
    """What the REST channel returns for one message handled by ``on_new_message``."""
    output = CollectingOutputChannel()
    held = HeldOutput(output)
    await GuardedRestInput()._handle(
        UserMessage("hello", held, "patient"), held, on_new_message
    )
    await held.release()
    return [m["text"] for m in output.messages]


async def test_replies_are_passed_on_in_order(clinic_file):
    async def answer(message):
        await message.output_channel.send_text_message("patient", "one")
        await message.output_channel.send_response("patient", {"text": "two"})

    assert await handled(answer) == ["one", "two"]


@pytest.mark.parametrize("operation", [availability.READ, availability.WRITE])
async def test_a_conversation_not_stored_is_asked_for_again(clinic_file, kb, operation):
    async def answer_then_fail(message):
        await message.output_channel.send_text_message("patient", "an answer")
        availability.report(operation, OSError("disk I/O error"))

    not_saved = kb.ui["conversation_not_saved"].split(",")[0]
    (reply,) = await handled(answer_then_fail)
    assert reply.startswith(not_saved)
    assert reply.endswith("call 112.")
    assert availability.failed() is None  # nothing carried to the next message


async def test_silence_becomes_an_apology(clinic_file, kb):
    async def nothing(message):
        return None

    (reply,) = await handled(nothing)
    assert reply.startswith(kb.ui["no_reply"].split(",")[0])
