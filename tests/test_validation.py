"""What patients type into the booking form: checked, normalised, never lost."""

from datetime import date

import pytest

from bot.nlu_examples import command_words, examples
from bot.validation import (
    NameAnswer,
    Problem,
    check_contact,
    check_free_text,
    check_name,
    correction_value,
    is_a_name_not_a_command,
    is_question,
    is_question_not_a_name,
    is_skip,
    names_a_time,
    parse_contact,
    parse_date,
    split_name_answer,
)

SUNDAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("typed", "phone"),
    [
        ("07700 900123", "07700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("(020) 7946 0018", "02079460018"),
        ("+44 (0)20 7946-0018", "+442079460018"),
        ("+1 415-555-0134", "+14155550134"),
        ("my number is 0161 496 0000", "01614960000"),
        ("1234567", "1234567"),
        ("123456789012345", "123456789012345"),
        ("call 020.7946.0018 please", "02079460018"),
    ],
)
def test_phone_numbers_are_normalised(typed, phone):
    checked = check_contact(typed)
    assert checked.ok
    assert parse_contact(checked.value) == parse_contact(f"phone:{phone}")
    assert parse_contact(checked.value).kind == "phone"


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("123456", Problem.PHONE_LENGTH),
        ("1234567890123456", Problem.PHONE_LENGTH),
        ("12", Problem.PHONE_LENGTH),
        ("no phone", Problem.NO_CONTACT),
        ("", Problem.EMPTY),
        ("   ", Problem.EMPTY),
        ("mary@", Problem.BAD_EMAIL),
        ("jo..x@example.com", Problem.BAD_EMAIL),
        ("a@b", Problem.BAD_EMAIL),
        ("<script>alert(1)</script>", Problem.NO_CONTACT),
    ],
)
def test_invalid_contacts_say_what_is_wrong(typed, problem):
    assert check_contact(typed).problem is problem


@pytest.mark.parametrize(
    ("typed", "email"),
    [
        ("jo.bloggs@example.com", "jo.bloggs@example.com"),
        ("my email is Mary_H@Example.ORG", "Mary_H@example.org"),
        (
            "reach my son at dev.k+clinic@mail.example.co.uk",
            "dev.k+clinic@mail.example.co.uk",
        ),
    ],
)
def test_emails_are_found_and_their_domain_lowercased(typed, email):
    contact = parse_contact(check_contact(typed).value)
    assert (contact.kind, contact.value) == ("email", email)


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Margaret Hill", "Margaret Hill"),
        ("my name is Oluwaseun Adeyemi", "Oluwaseun Adeyemi"),
        ("I'm writing for my father, his name is Brian O'Connor", "Brian O'Connor"),
        ("it's Li Wei", "Li Wei"),
        ("Siobhan", "Siobhan"),
        ("José García-López", "José García-López"),
        ("李伟", "李伟"),
        ("'; DROP TABLE requests; --", "'; DROP TABLE requests; --"),
        ("<b>Ann</b>", "<b>Ann</b>"),
        ("María de los Ángeles García López", "María de los Ángeles García López"),
        ("Mohammed bin Salman Al Saud", "Mohammed bin Salman Al Saud"),
        ("Do Thi Lan", "Do Thi Lan"),
        ("its for my dad, Peter O'Neill", "Peter O'Neill"),
        ("Le My An", "Le My An"),
        ("Tran Thi Thu An", "Tran Thi Thu An"),
        ("Im Yoona", "Im Yoona"),
        ("For Elise", "For Elise"),
        ("im ann lee", "ann lee"),
        ("Mi nombre es Ana García", "Ana García"),
        ("mi padre Juan, por favor", "Juan"),
        ("Ann Lee please", "Ann Lee"),
    ],
)
def test_names_are_kept_as_typed(typed, name):
    assert check_name(typed).value == name


@pytest.mark.parametrize(
    "typed",
    [
        "07700 900123",
        "what?",
        "a",
        "",
        "x@example.com",
        "I am not sure what to put here",
        "my mother Joan Smith had a fall last year and now she is in pain",
        "not sure",
        "yes please",
        "my mum and dad",
        ["Peter"],
        3,
        None,
    ],
)
def test_things_that_are_not_names_are_refused(typed):
    assert not check_name(typed).ok


def test_long_answers_are_refused_not_cut():
    assert check_name("A" * 101).problem is Problem.TOO_LONG
    assert check_free_text("x" * 201).problem is Problem.TOO_LONG
    assert check_free_text("x" * 1000, limit=1000).ok


def test_free_text_is_kept_verbatim():
    typed = "mornings <i>only</i>; DROP TABLE x; -- not Fridays"
    assert check_free_text(typed).value == typed


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Tuesday morning", date(2026, 11, 24)),
        ("next monday please", date(2026, 11, 23)),
        ("14/03", date(2027, 3, 14)),
        ("14/03/2027", date(2027, 3, 14)),
        ("2027-01-05", date(2027, 1, 5)),
        ("the 14th", date(2026, 12, 14)),
        ("March 3rd", date(2027, 3, 3)),
        ("3rd of April", date(2027, 4, 3)),
        ("tomorrow", date(2026, 11, 23)),
        ("day after tomorrow", date(2026, 11, 24)),
        ("friday or saturday", date(2026, 11, 27)),
    ],
)
def test_dates_are_parsed_where_one_is_given(typed, expected):
    assert parse_date(typed, SUNDAY) == expected


@pytest.mark.parametrize(
    "typed",
    ["mornings are best", "as soon as possible", "not friday", "31/02", "", None],
)
def test_informal_times_have_no_date_and_are_still_fine(typed):
    assert parse_date(typed, SUNDAY) is None


@pytest.mark.parametrize("typed", ["skip", "Skip.", "no", "n/a", "none", "nothing"])
def test_skipping_the_optional_reason(typed):
    assert is_skip(typed)


def test_a_reason_is_not_a_skip_and_a_question_is_a_question():
    assert not is_skip("no pain relief from tablets")
    assert is_question("is it painful? ")
    assert not is_question("she has pain")


@pytest.mark.parametrize(
    "typed",
    [
        '/inform{"full_name": "Eve Mallory"}',
        "/affirm",
        '  /inform{"contact": "07700 900123"}',
        "/book_consultation",
    ],
)
def test_a_payload_typed_by_hand_is_never_an_answer(typed):
    from bot.validation import check_contact, check_free_text, check_name, is_payload

    assert is_payload(typed)
    assert check_name(typed).problem is Problem.EMPTY
    assert check_contact(typed).problem is Problem.EMPTY
    assert check_free_text(typed, limit=1000).problem is Problem.EMPTY


@pytest.mark.parametrize("typed", ["Ann/Lee", "back pain / worse at night", "1/2"])
def test_a_slash_inside_an_answer_is_not_a_payload(typed):
    from bot.validation import is_payload

    assert not is_payload(typed)


@pytest.mark.parametrize(
    "typed", ["Carla Cancel", "Mary-Jo Stop", "Anne Stopford", "Peter Quit Jones."]
)
def test_a_name_that_contains_a_command_word_is_a_name(typed):
    assert is_a_name_not_a_command(typed, command_words())


@pytest.mark.parametrize(
    "typed", ["stop", "Cancel Please", "Stop It", "carla cancel", "Stop, Carla"]
)
def test_a_command_is_not_taken_as_a_name(typed):
    assert not is_a_name_not_a_command(typed, command_words())


@pytest.mark.parametrize("example", examples(["stop", "cancel_request", "goodbye"]))
def test_every_way_of_saying_stop_is_still_a_command(example):
    assert not is_a_name_not_a_command(example, command_words())
    assert not is_a_name_not_a_command(example.title(), command_words())


@pytest.mark.parametrize(
    ("typed", "name", "for_whom"),
    [
        ("its for my dad, Peter O'Neill", "Peter O'Neill", "father"),
        ("this is for my mother Joan Smith", "Joan Smith", "mother"),
        ("my dad's name is Bob Lee", "Bob Lee", "father"),
        ("my husband, his name is Tom Hill", "Tom Hill", "husband"),
        ("Joan Smith (my mum)", "Joan Smith", "mother"),
        ("para mi madre, Ana Ruiz", "Ana Ruiz", "mother"),
        ("my mum", "", "mother"),
        ("I'm Peter, it's for my dad", "", "father"),  # Peter is the writer
        ("Mary Dadson", "Mary Dadson", None),
        ("Son Heung-min", "Son Heung-min", None),
    ],
)
def test_who_a_request_is_for_is_kept_apart_from_the_name(typed, name, for_whom):
    assert split_name_answer(typed) == NameAnswer(name, for_whom)


@pytest.mark.parametrize(
    ("text", "question", "as_name", "a_time"),
    [
        ("what is the cement made of", True, True, False),
        ("how much does it cost?", True, True, False),
        ("can he drive after?", True, True, False),
        ("is Tuesday morning ok?", True, True, True),
        ("Will Henry Turner", False, False, False),
        ("Can barely walk since the fall", False, False, False),
        ("Would like to discuss vertebroplasty", False, False, False),
        ("Would prefer after 3", False, False, True),
        ("can do the 14th", False, False, True),
        ("Can do 2-4", False, False, True),
        ("do I need an MRI first", True, True, False),
        ("have had back pain for months", False, False, False),
        ("next Tuesday morning", False, False, True),
    ],
)
def test_questions_are_told_from_answers(text, question, as_name, a_time):
    assert is_question(text) is question
    assert is_question_not_a_name(text) is as_name
    assert names_a_time(text) is a_time


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("preferred_time", "change the time to Friday afternoon", "Friday afternoon"),
        ("preferred_time", "change the time please", None),
        ("preferred_time", "I want to change the time", None),
        ("preferred_time", "change the day to Thursday", "Thursday"),
        ("full_name", "my name is wrong, it's Tom Hill", "Tom Hill"),
        ("full_name", "the name should be Patel not Patil", None),  # one word
        ("full_name", "change the name to Amir Patel", "Amir Patel"),
        (
            "contact",
            "my email is wrong, it should be m@new.example",
            "email:m@new.example",
        ),
        ("contact", "my email is wrong", None),
        ("contact", "change the email from a@b.com to c@d.com", "email:c@d.com"),
        ("contact", "not 07700 900123 but 07700 900124", "phone:07700900124"),
        ("contact", "07700 900123 is wrong", None),
        ("reason", "change the reason to is it safe for me", None),
        (
            "reason",
            "the reason is wrong, it should be a second opinion",
            "a second opinion",
        ),
        ("reason", "change the reason", None),
    ],
)
def test_a_correction_gives_its_new_value_only_when_there_is_one(field, text, value):
    assert correction_value(field, text) == value
