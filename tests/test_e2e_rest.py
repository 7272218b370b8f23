"""End to end: both real servers, real HTTP, the REST channel, then both stopped.

Needs the trained model (``make train``); ``make test`` runs it after training.
"""

import json
import os
import random
import signal
import sqlite3
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.launcher import ServerConfig, free_port, port_in_use, running
from bot.paths import PROJECT_ROOT
from bot.settings import load_clinic
from tests.conftest import Conversation, listed_requests

pytestmark = pytest.mark.e2e

MODEL = PROJECT_ROOT / "models" / "vertebroplasty.tar.gz"


RECEIVED = []  # what the clinic's webhook received, in order


class Webhook(BaseHTTPRequestHandler):
    """The clinic's webhook: records what it receives."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        RECEIVED.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def webhook():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Webhook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/requests"
    server.shutdown()


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return tmp_path_factory.mktemp("db") / "requests.db"


@pytest.fixture(scope="module")
def servers(tmp_path_factory, webhook, database):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    config = ServerConfig.isolated(
        tmp_path_factory.mktemp("e2e"),
        model=MODEL,
        BOT_DB=str(database),
        HANDOFF_WEBHOOK_URL=webhook,
    )
    with running(config) as started:
        yield started
    # both stopped: nothing listens on their ports any more
    assert not port_in_use(config.rasa_port)
    assert not port_in_use(config.actions_port)


@pytest.fixture
def chat(servers):
    return Conversation(servers.config.rasa_url)


def test_first_message_gets_the_disclaimer_then_the_answer(chat):
    replies = chat.say("hello")
    assert "not personal medical advice" in replies[0]["text"]
    assert "999" in replies[0]["text"]
    assert "What would you like to know?" in replies[1]["text"]
    assert replies[1]["buttons"]


def test_a_question_gets_a_sourced_answer_with_follow_ups(chat, kb):
    replies = chat.say("how long does the procedure take?")
    answer = replies[-1]
    assert answer["text"].startswith(kb.topics["duration"].answer)
    assert "Sources: hospital information page; overview" in answer["text"]
    assert {"title": "Tell me more", "payload": "/tell_more"} in answer["buttons"]


def test_the_point_asked_is_answered_with_its_fact(chat, kb):
    assert chat.texts("what is the risk of infection?")[-1].startswith(
        kb.facts["risks.infection"].text
    )
    assert chat.texts("how long does it take for the cement to harden?")[-1].startswith(
        kb.facts["cement.hardening_time"].text
    )


def test_a_point_the_sources_never_mention_is_said_plainly(chat, kb):
    reply = chat.texts("does the cement get hot when it sets?")[-1]
    assert reply.startswith(kb.ui["not_covered"].split("{")[0])
    assert "“hot”" in reply
    assert kb.topics["cement"].answer not in reply


def test_tell_me_more_and_context_follow_up(chat, kb):
    chat.say("what is the recovery like after vertebroplasty?")
    assert chat.texts("tell me more")[-1].startswith(kb.topics["recovery"].detail)
    assert "6-8 hours" in chat.texts("how long does that take?")[-1]


def test_tell_me_more_twice_says_there_is_no_more(chat, kb):
    chat.say("what is the cement made of?")
    assert chat.texts("tell me more")[-1].startswith(kb.topics["cement"].detail)
    assert chat.texts("tell me more")[-1] == kb.ui["no_detail"]


def test_a_button_payload_is_answered(chat, kb):
    assert chat.texts("/ask_cement")[-1].startswith(kb.topics["cement"].answer)


def test_an_emergency_interrupts_and_names_the_emergency_number(chat):
    chat.say("what are the risks?")
    replies = chat.texts("my legs have gone numb since the procedure yesterday")
    assert len(replies) == 1
    assert "emergency" in replies[0]
    assert "999" in replies[0]


def test_out_of_scope_is_refused_honestly(chat):
    chat.say("hi")
    replies = chat.say("how much does it cost in pounds?")
    assert "don't cover that" in replies[-1]["text"]
    assert "/book_consultation" in [b["payload"] for b in replies[-1]["buttons"]]


@pytest.mark.parametrize("message", ["", "   ", "\n\t"])
def test_an_empty_message_is_asked_for_again(chat, message):
    chat.say("hello")
    assert chat.texts(message) == [
        "I didn't receive a question. Please type what you would like to know, "
        "or choose a topic."
    ]


@pytest.mark.parametrize(
    "message",
    ["x" * 20000, "<img src=x onerror=alert(1)>", "'; DROP TABLE x; --"],
)
def test_bad_input_gets_an_answer_and_the_server_stays_up(chat, message):
    chat.say("hello")
    replies = chat.say(message)
    assert replies
    assert all(r.get("text") for r in replies)
    assert chat.texts("what is vertebroplasty?")[-1]


def test_personal_details_never_reach_the_logs(servers):
    chat = Conversation(servers.config.rasa_url)
    chat.say("my name is Zebedee Quartermain, call me on 07700 900123")
    # the failure paths: payloads typed by hand (valid, broken, unknown), a
    # refused message, the form's "change something" read-back
    for message in (
        '/inform{"full_name": "Zebedee Quartermain", "contact": "07700 900123"}',
        '/inform{"full_name": "Zebedee Quartermain", 07700 900123',
        '/no_such_intent{"x": "Zebedee Quartermain 07700 900123"}',
        "Zebedee Quartermain 07700 900123 " * 100,
        "I would like to book a consultation",
        "Zebedee Quartermain",
        "07700 900123",
        "/change_detail",
    ):
        chat.say(message)
    log_dir = Path(servers.config.log_dir)
    if not log_dir.is_absolute():
        log_dir = PROJECT_ROOT / log_dir
    logs = " ".join(p.read_text(errors="ignore") for p in log_dir.glob("*.log"))
    assert "Quartermain" not in logs
    assert "900123" not in logs


def test_a_full_booking_is_stored_listed_and_delivered_once(servers, database):
    chat = Conversation(servers.config.rasa_url)
    steps = [
        ("I would like to book a consultation please", "full name"),
        ("my name is Zara Okafor", "phone number or email"),
        ("12", "7 to 15 digits"),
        ("07700 900461", "days or times"),
        ("is it painful?", "local anaesthetic"),
        ("next Tuesday morning", "what would you like to discuss"),
        ("my GP suggested it after my MRI", "Do you agree"),
        ("yes", "Please check your details"),
        ("change the phone number", "phone number or email"),
        ("zara.okafor@example.org", "Contact: zara.okafor@example.org"),
        ("yes, send it", "Your reference is"),
    ]
    for message, expected in steps:
        texts = " ".join(chat.texts(message))
        assert expected in texts, (message, texts)
    reference = texts.split("Your reference is ")[1][:8]

    (row,) = [r for r in listed_requests(database) if r["reference"] == reference]
    assert row["full_name"] == "Zara Okafor"
    assert row["contact"] == "zara.okafor@example.org"
    assert row["contact_type"] == "email"
    assert row["preferred_time"] == "next Tuesday morning"
    assert row["reason"] == "my GP suggested it after my MRI"
    assert row["status"] == "pending"

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not _delivered(reference):
        time.sleep(0.5)
    time.sleep(6)  # one more worker round: it must not send it again
    assert len(_delivered(reference)) == 1


def test_a_form_with_25_questions_in_the_middle_keeps_every_answer(servers, database):
    # each question adds about 8 events: the store hands actions the last 50
    chat = Conversation(servers.config.rasa_url)
    assert "full name" in chat.reply("I would like to book a consultation please")
    assert "phone number or email" in chat.reply("Ottilie Brackenbury")
    questions = [
        "is it painful?",
        "how long does the procedure take?",
        "what is vertebroplasty?",
        "what are the risks?",
        "how long is the recovery?",
    ]
    for question in questions * 5:
        texts = chat.texts(question)
        assert len(texts) >= 2, (question, texts)  # an answer, then the question
        assert "phone number or email" in texts[-1], (question, texts)
    assert "days or times" in chat.reply("07700 900463")
    assert "what would you like to discuss" in chat.reply("Friday afternoon")
    assert "Do you agree" in chat.reply("back pain since my fall")
    readback = chat.reply("yes")
    assert "Name: Ottilie Brackenbury" in readback
    assert "Your reference is" in chat.reply("yes, send it")
    (row,) = [
        r for r in listed_requests(database) if r["full_name"] == "Ottilie Brackenbury"
    ]
    assert row["contact"] == "07700900463"
    assert row["preferred_time"] == "Friday afternoon"
    assert row["reason"] == "back pain since my fall"


def test_a_name_that_sounds_like_stop_is_the_name_and_stop_still_stops(chat):
    chat.say("I would like to book a consultation please")
    assert "phone number or email" in chat.reply("Carla Cancel")
    assert "days or times" in chat.reply("07700 900462")
    assert "Nothing has been saved" in chat.reply("stop")


def _delivered(reference):
    return [b for b in RECEIVED if b.get("reference") == reference]


def test_status_and_cancel_in_the_same_conversation_only(servers):
    mine = Conversation(servers.config.rasa_url)
    for message in [
        "book a consultation",
        "Ann Lee",
        "07700 900462",
        "any morning",
        "skip",
        "yes",
        "yes",
    ]:
        texts = " ".join(mine.texts(message))
    reference = texts.split("Your reference is ")[1][:8]
    assert "waiting for the clinic" in " ".join(mine.texts(f"status of {reference}?"))
    other = Conversation(servers.config.rasa_url)
    assert "can't find a request" in " ".join(
        other.texts(f"cancel my booking {reference}")
    )
    assert "has been cancelled" in " ".join(
        mine.texts(f"cancel my booking {reference}")
    )


def test_a_channel_without_buttons_numbers_the_options(servers):
    url = f"{servers.config.rasa_url}/webhooks/numbered/webhook"
    sender = uuid.uuid4().hex

    def say(message):
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            replies = json.loads(response.read())
        assert all("buttons" not in reply for reply in replies)
        return " ".join(reply["text"] for reply in replies)

    answer = say("what are the risks?")
    assert (
        "Reply with a number:\n1. Tell me more\n2. Can it cause new fractures?"
        in answer
    )
    assert "Any procedure through the skin" in say("1")  # 1 = Tell me more
    assert "10% of patients" in say("option 1")  # its first follow-up, new fractures


# ---- the deployment guards (channels/guarded.py, bot/launcher.py)


def post_raw(url: str, body: bytes, method: str = "POST", **headers: str):
    """(status, body) of a request typed by hand."""
    request = urllib.request.Request(
        url,
        data=body if method != "GET" else None,
        method=method,
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.parametrize(
    "text",
    ["(" * 100_000, "[]" * 50_000, "a" * 2_001, "my back hurts. " * 1_000 + "end"],
    ids=["100KB of (", "100KB of []", "2001 chars", "a long story"],
)
def test_a_message_over_the_limit_gets_a_polite_answer_before_nlu(chat, kb, text):
    replies = chat.texts(text)
    expected = kb.ui["message_too_long"].split("{")[0]
    assert len(replies) == 1
    assert replies[0].startswith(expected)
    assert "999" in replies[0]  # the emergency number, in case
    assert f"{len(text):,} characters" in replies[0]
    # nothing of it reached the conversation: the next question is answered
    assert chat.texts("what is vertebroplasty?")[-1]


def test_five_megabytes_are_refused_politely_and_quickly(servers):
    sender = uuid.uuid4().hex
    body = json.dumps({"sender": sender, "message": "[" * 5_000_000}).encode()
    status, answer = post_raw(f"{servers.config.rasa_url}/webhooks/rest/webhook", body)
    assert status == 200
    assert "too long" in json.loads(answer)[0]["text"]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"null",
        b"[]",
        b"123",
        b'"hello"',
        b"{not json",
        b'{"message": "hello"}',  # no sender: no shared "default" conversation
        b'{"sender": "", "message": "hello"}',
        b'{"sender": 5, "message": "hello"}',
        b'{"sender": "me", "message": 5}',
        b'{"sender": "me", "message": ["a"]}',
        json.dumps({"sender": "x" * 200, "message": "hi"}).encode(),
    ],
)
def test_a_malformed_body_is_refused_with_400_never_500(servers, body):
    for channel in ("rest", "numbered"):
        url = f"{servers.config.rasa_url}/webhooks/{channel}/webhook"
        status, _ = post_raw(url, body)
        assert status == 400, (channel, body)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/status"),
        ("GET", "/conversations/someone/tracker"),
        ("POST", "/conversations/someone/tracker/events"),
        ("POST", "/conversations/someone/execute"),
        ("POST", "/model/parse"),
        ("DELETE", "/model"),
        ("PUT", "/model"),
    ],
)
def test_the_http_api_is_off_on_the_patients_port(servers, method, path):
    status, _ = post_raw(f"{servers.config.rasa_url}{path}", b"{}", method=method)
    assert status in (404, 405)


def test_a_patients_details_cannot_be_read_over_http(servers):
    chat = Conversation(servers.config.rasa_url)
    chat.say("I would like to book a consultation please")
    chat.say("my name is Ottoline Brackenbury")
    for path in (f"/conversations/{chat.sender}/tracker", "/conversations"):
        status, body = post_raw(f"{servers.config.rasa_url}{path}", b"", "GET")
        assert status == 404
        assert b"Brackenbury" not in body
    assert chat.texts("stop")  # the form is left; nothing stored


def test_readiness_names_the_model(servers):
    status, body = post_raw(servers.config.ready_url, b"", "GET")
    assert status == 200
    assert json.loads(body)["model_id"]


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [("http://evil.example", False), (None, True)],
)
def test_the_widget_socket_accepts_only_allowed_origins(servers, origin, accepted):
    url = f"{servers.config.rasa_url}/socket.io/?EIO=4&transport=polling"
    headers = {"Origin": origin} if origin else {}
    status, _ = post_raw(url, b"", "GET", **headers)
    assert (status == 200) is accepted


def test_a_locked_conversation_database_asks_again_and_keeps_the_form(servers, kb):
    chat = Conversation(servers.config.rasa_url)
    chat.say("I would like to book a consultation")
    # another program holds the write lock longer than the server waits (5 s)
    holder = sqlite3.connect(servers.config.store_dir / "tracker.db", timeout=30)
    holder.execute("BEGIN IMMEDIATE")
    try:
        replies = chat.texts("Philippa Lockhart-Yeo")
    finally:
        holder.rollback()
        holder.close()
    not_saved = kb.ui["conversation_not_saved"].format(
        **load_clinic().template_values()
    )
    assert replies == [not_saved]  # not an answer that was never stored
    # sent again: the form goes on from where it was
    assert "phone number or email" in chat.reply("Philippa Lockhart-Yeo")
    logs = " ".join(
        p.read_text(errors="ignore") for p in Path(servers.config.log_dir).glob("*.log")
    )
    assert "could not be written" in logs
    assert "Lockhart" not in logs


def test_a_crashed_action_server_gets_an_apology_then_is_restarted(servers, kb):
    # runs last in this module: it kills a server of the shared fixture
    chat = Conversation(servers.config.rasa_url)
    chat.say("hello")
    os.kill(servers.pids()["actions"], signal.SIGKILL)
    deadline = time.monotonic() + 10
    while servers.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not servers.alive()
    replies = chat.texts("what is vertebroplasty?")
    assert replies == [
        kb.ui["no_reply"].format(**load_clinic().template_values())
    ]  # not silence
    assert servers.restart_stopped() == ["actions"]
    assert servers.alive()
    assert chat.texts("what is vertebroplasty?")[-1].startswith(
        kb.topics["what_is"].answer[:40]
    )


# ---- a request form that never sends the clinic wrong details (issue 11)


def _reference(text):
    return text.split("Your reference is ")[1][:8]


def _row(database, reference):
    (row,) = [r for r in listed_requests(database) if r["reference"] == reference]
    return row


def test_a_correction_at_the_read_back_is_what_the_clinic_gets(servers, database):
    chat = Conversation(servers.config.rasa_url)
    steps = [
        ("callback", "full name of the person the callback is for"),
        ("its for my dad, Peter O'Neill", "phone number or email"),
        ("peter@old.example", "days or times"),
        ("how much does it cost?", "days or times"),  # answered, not stored
        ("weekday mornings", "what would you like to discuss"),
        ("what is the cement made of", "what would you like to discuss"),
        ("a second opinion", "Do you agree"),
        ("yes", "Name: Peter O'Neill (for your father)"),
        (
            "my email is wrong, it should be peter@new.example",
            "Contact: peter@new.example",
        ),
        ("change the time to Friday afternoon", "When: Friday afternoon"),
        ("what is the status of my request", "hasn't been sent yet"),
        ("yes", "Your callback request has been passed"),
    ]
    for message, expected in steps:
        texts = chat.reply(message)
        assert expected in texts, (message, texts)
    row = _row(database, _reference(texts))
    assert row["kind"] == "callback"
    assert (row["full_name"], row["for_whom"]) == ("Peter O'Neill", "father")
    assert row["contact"] == "peter@new.example"
    assert row["preferred_time"] == "Friday afternoon"
    assert row["reason"] == "a second opinion"
    assert row["outside_hours"] is False
    # the status question names the request with its kind, and ZZZZ9999 is not it
    assert "Your callback request" in chat.reply(f"status of {row['reference']}")
    assert "can't find a request with the reference ZZZZ9999" in chat.reply(
        "what is the status of ZZZZ9999"
    )


def test_a_time_outside_opening_hours_is_kept_and_marked(servers, database):
    chat = Conversation(servers.config.rasa_url)
    chat.reply("book a consultation")
    assert "it is for your mother" in chat.reply("my mum")  # not a topic
    for message in ["Nell Ashdown", "07700 900471"]:
        chat.reply(message)
    assert "outside the clinic's opening hours" in chat.reply("Sunday at 8pm")
    chat.reply("skip")
    assert "outside the clinic's opening hours" in chat.reply("yes")
    row = _row(database, _reference(chat.reply("yes")))
    assert (row["preferred_time"], row["outside_hours"]) == ("Sunday at 8pm", True)
    assert (row["full_name"], row["for_whom"]) == ("Nell Ashdown", "mother")


def test_details_typed_after_a_stop_are_kept_for_a_new_form(servers, database):
    chat = Conversation(servers.config.rasa_url)
    chat.reply("book a consultation")
    assert "Nothing has been saved" in chat.reply("stop")
    assert "You stopped the consultation request" in chat.reply("Tom Quayle")
    assert "You stopped the consultation request" in chat.reply("tom@quayle.example")
    started = chat.reply("/book_consultation")  # the "Start again" button
    assert "kept the details" in started
    assert "days or times" in started
    for message in ["Monday morning", "skip", "yes"]:
        readback = chat.reply(message)
    assert "Name: Tom Quayle." in readback
    assert "Contact: tom@quayle.example" in readback
    row = _row(database, _reference(chat.reply("yes")))
    assert (row["full_name"], row["contact"]) == ("Tom Quayle", "tom@quayle.example")


# ---- property: whatever people type in whatever order, the clinic gets only
# the answers they gave (random sequences with a fixed seed, real servers)

PROMPTS = {  # what the form's questions say -> the step
    "full name of the person": "full_name",
    "phone number or email": "contact",
    "days or times": "preferred_time",
    "what would you like to discuss": "reason",
    "Do you agree": "consent",
    "Please check your details": "details_confirmed",
    "What would you like to change": "field_to_change",
}
TYPED = {  # (what is typed, what the clinic must get)
    "full_name": [
        ("Zara Okafor", "Zara Okafor"),
        ("its for my dad, Peter O'Neill", "Peter O'Neill"),
        ("my name is Ann Lee", "Ann Lee"),
        ("Siobhán Ní Bhriain", "Siobhán Ní Bhriain"),
    ],
    "contact": [
        ("07700 900461", "07700900461"),
        ("ann.lee@example.org", "ann.lee@example.org"),
        ("my number is 07700 900999", "07700900999"),
    ],
    "preferred_time": [
        ("next Tuesday morning", "next Tuesday morning"),
        ("any weekday after 2pm", "any weekday after 2pm"),
        ("Friday afternoon", "Friday afternoon"),
    ],
    "reason": [
        ("back pain since my fall", "back pain since my fall"),
        ("my GP suggested it after an MRI", "my GP suggested it after an MRI"),
        ("skip", None),
    ],
}
FIELD_WORDS = {
    "full_name": "name",
    "contact": "email",
    "preferred_time": "time",
    "reason": "reason",
}
QUESTIONS = [
    "is it painful?",
    "how much does it cost?",
    "can he drive after?",
    "what is the cement made of",
    "how long does the procedure take?",
]


def _step(reply):
    found = [(reply.rfind(p), step) for p, step in PROMPTS.items() if p in reply]
    return max(found)[1] if found else None


def _one_random_conversation(url, rng):
    """Plays one conversation; returns (sender, expected row or None, log)."""
    chat = Conversation(url)
    kind = rng.choice(["consultation", "callback"])
    reply = chat.reply("book a consultation" if kind == "consultation" else "callback")
    given = {}
    log = []
    for _ in range(40):
        step = _step(reply)
        assert step, (log, reply)
        roll = rng.random()
        if step in TYPED and roll < 0.15:
            message = rng.choice(QUESTIONS)  # never an answer
        elif roll < 0.19:
            message = "my legs have gone numb since this morning"
            reply = chat.reply(message)
            assert "emergency" in reply.lower(), (log, reply)
            message = "it's not an emergency"
        elif roll < 0.22:
            reply = chat.reply("stop")
            assert "Nothing has been saved" in reply, (log, reply)
            return chat.sender, None, log
        elif step in TYPED:
            typed, stored = rng.choice(TYPED[step])
            given[step] = stored
            message = typed
        elif step == "consent":
            message = "yes"
        elif step == "field_to_change":
            message = "nothing, it's fine"
        elif rng.random() < 0.4:  # the read-back: a correction
            field = rng.choice(list(TYPED))
            message = f"change the {FIELD_WORDS[field]}"
        else:
            reply = chat.reply("yes")
            log.append(("yes", reply))
            assert "Your reference is" in reply, (log, reply)
            return chat.sender, {"kind": kind, **given}, log
        reply = chat.reply(message)
        log.append((message, reply))
    raise AssertionError(f"the form never ended: {log}")


def test_random_answers_questions_stops_and_corrections_store_only_answers(
    servers, database
):
    rng = random.Random(11)
    played = [_one_random_conversation(servers.config.rasa_url, rng) for _ in range(16)]
    rows = listed_requests(database)
    for sender, expected, log in played:
        mine = [r for r in rows if r["conversation_id"] == sender]
        if expected is None:
            assert mine == [], log  # a stopped form stores nothing
            continue
        (row,) = mine
        assert row["kind"] == expected["kind"], log
        for field in TYPED:
            assert row[field] == expected[field], (field, row[field], log)
    assert any(e is None for _, e, _ in played)
    assert sum(e is not None for _, e, _ in played) >= 5
