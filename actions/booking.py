"""Consultation and callback requests: the form, its checks, and sending it."""

import abc
import hashlib
import logging
import uuid
from typing import Any, ClassVar, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from bot import validation
from bot.action_support import (
    LAST_TOPIC,
    REQUEST_INSTANCE,
    answer_question,
    cleared_request,
    knowledge_or_apology,
    utter_with_clinic,
)
from bot.handoff import deliver_soon
from bot.nlu_examples import command_words
from bot.request_form import (
    DETAILS_AFTER_STOP,
    FIELDS,
    FORM_STOPPED,
    REQUEST_FORM,
    SKIPPED,
    STOPPED_KIND,
    kept_details,
    time_values,
)
from bot.store import NewRequest, RequestStore, StoreUnavailable

logger = logging.getLogger(__name__)

UNKNOWN_FIELD = "unknown"
MAX_FAILURES = 3

PROBLEM_RESPONSES = {
    validation.Problem.EMPTY: "utter_answer_empty",
    validation.Problem.TOO_LONG: "utter_answer_too_long",
    validation.Problem.NOT_A_NAME: "utter_invalid_full_name",
    validation.Problem.NO_CONTACT: "utter_invalid_contact",
    validation.Problem.PHONE_LENGTH: "utter_invalid_phone_length",
    validation.Problem.BAD_EMAIL: "utter_invalid_email",
}


class ActionStartRequest(Action, abc.ABC):
    """Starts the request form for one kind of request, from a clean slate."""

    kind: ClassVar[str]

    @abc.abstractmethod
    def name(self) -> str:
        """Action name."""

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Says what will be asked; the form itself is started by a rule.

        During a request form, asking for the other kind ("actually, just call
        me back") changes the kind and keeps every answer. Details typed after
        a form was stopped are kept for the new one.
        """
        if tracker.active_loop_name == REQUEST_FORM:
            if tracker.get_slot("request_kind") != self.kind:
                dispatcher.utter_message(response=f"utter_request_now_{self.kind}")
            return [SlotSet("request_kind", self.kind)]
        dispatcher.utter_message(response=f"utter_request_intro_{self.kind}")
        kept = kept_details(tracker.get_slot(DETAILS_AFTER_STOP))
        if kept:
            dispatcher.utter_message(response="utter_details_kept")
        return [
            *cleared_request(),
            SlotSet("request_kind", self.kind),
            SlotSet(REQUEST_INSTANCE, uuid.uuid4().hex),
            SlotSet(FORM_STOPPED, None),
            SlotSet(STOPPED_KIND, None),
            SlotSet(DETAILS_AFTER_STOP, None),
            *(SlotSet(slot, value) for slot, value in kept.items()),
        ]


class ActionStartConsultation(ActionStartRequest):
    """Starts a consultation request."""

    kind = "consultation"

    def name(self) -> str:
        """Action name."""
        return "action_start_consultation"


class ActionStartCallback(ActionStartRequest):
    """Starts a callback request."""

    kind = "callback"

    def name(self) -> str:
        """Action name."""
        return "action_start_callback"


class ValidateRequestForm(FormValidationAction):
    """Checks each answer, re-asks with the reason, handles corrections."""

    def name(self) -> str:
        """Action name."""
        return "validate_request_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        """Nothing more after a "no" to consent; which field first after "change"."""
        if tracker.get_slot("consent") is False:
            return ["consent"]  # answered: the form ends, nothing is stored
        answers = [slot for slot in domain_slots if slot != "field_to_change"]
        if (
            tracker.get_slot("details_confirmed") is False
            or tracker.get_slot("field_to_change") is not None
        ):
            return ["field_to_change", *answers]
        return answers

    async def next_requested_slot(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> EventType | None:
        """Always our own choice: the first empty slot of ``required_slots``."""
        required = await self.required_slots(
            self.domain_slots(domain), dispatcher, tracker, domain
        )
        missing = (slot for slot in required if tracker.slots.get(slot) is None)
        return SlotSet(REQUESTED_SLOT, next(missing, None))

    @staticmethod
    def _accepted(slot: str, values: Dict[str, Any], tracker: Tracker) -> Dict:
        failures = dict(tracker.get_slot("failed_attempts") or {})
        failures.pop(slot, None)
        return {**values, "failed_attempts": failures}

    @staticmethod
    def _rejected(
        slot: str,
        problem: validation.Problem,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> Dict:
        failures = dict(tracker.get_slot("failed_attempts") or {})
        failures[slot] = failures.get(slot, 0) + 1
        dispatcher.utter_message(response=PROBLEM_RESPONSES[problem])
        if failures[slot] >= MAX_FAILURES:
            utter_with_clinic(dispatcher, "utter_offer_person_instead")
        return {slot: None, "failed_attempts": failures}

    def _checked(
        self,
        slot: str,
        checked: validation.Checked,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> Dict:
        if checked.ok:
            return self._accepted(slot, {slot: checked.value}, tracker)
        return self._rejected(slot, checked.problem, dispatcher, tracker)

    @staticmethod
    def _question(
        slot: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict:
        """A question typed where an answer was expected: answered (or said
        plainly not to be in the sources), never stored; the step is asked
        again."""
        kb = knowledge_or_apology(dispatcher)
        topic = answer_question(kb, dispatcher, tracker) if kb else None
        if kb and not topic:
            utter_with_clinic(dispatcher, "utter_not_covered_in_form")
        dispatcher.utter_message(response=f"utter_question_not_{slot}")
        values: Dict[str, Any] = {slot: None}
        if topic:
            values[LAST_TOPIC] = topic
        return values

    def validate_full_name(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict:
        """A name, without "my name is"; who it is for kept apart ("father")."""
        if validation.is_question_not_a_name(value):
            return self._question("full_name", dispatcher, tracker)
        answer = validation.split_name_answer(value)
        for_whom = answer.for_whom or tracker.get_slot("for_whom")
        if answer.for_whom and not answer.name:  # "my mum": noted, name asked
            dispatcher.utter_message(
                response="utter_request_for_relative", relative=answer.for_whom
            )
            return {"full_name": None, "for_whom": answer.for_whom}
        checked = validation.check_name(value)
        if not checked.ok:
            return self._rejected("full_name", checked.problem, dispatcher, tracker)
        values = {"full_name": checked.value, "for_whom": for_whom}
        return self._accepted("full_name", values, tracker)

    def validate_contact(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict:
        """A phone number (7-15 digits) or an email address, normalised."""
        checked = validation.check_contact(value)
        if not checked.ok and validation.is_question(value):
            return self._question("contact", dispatcher, tracker)
        if not checked.ok:
            return self._rejected("contact", checked.problem, dispatcher, tracker)
        contact = validation.parse_contact(checked.value)
        values = {"contact": contact.value, "contact_type": contact.kind}
        return self._accepted("contact", values, tracker)

    def validate_preferred_time(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict:
        """Any wording, kept as typed; a calendar date too when one is given.

        A time outside the clinic's opening hours is accepted, marked for the
        staff, and the patient told the clinic will suggest one within them.
        """
        if validation.is_question_not_a_time(value):
            return self._question("preferred_time", dispatcher, tracker)
        checked = validation.check_free_text(value, validation.MAX_TIME_LENGTH)
        if not checked.ok:
            return self._rejected(
                "preferred_time", checked.problem, dispatcher, tracker
            )
        values = time_values(checked.value)
        if values["outside_hours"]:
            utter_with_clinic(dispatcher, "utter_outside_opening_hours")
        return self._accepted("preferred_time", values, tracker)

    def validate_reason(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict:
        """Optional: "skip" (or the Skip button) is an answer too.

        A knowledge question asked here ("is it painful?") is answered, and the
        reason asked again, instead of being stored as the reason.
        """
        if value != SKIPPED and validation.is_question(value):
            return self._question("reason", dispatcher, tracker)
        if value != SKIPPED and _small_talk(tracker):
            dispatcher.utter_message(response="utter_form_nudge")
            return {"reason": None}
        if value == SKIPPED or validation.is_skip(value):
            return self._accepted("reason", {"reason": SKIPPED}, tracker)
        checked = validation.check_free_text(value, validation.MAX_REASON_LENGTH)
        return self._checked("reason", checked, dispatcher, tracker)

    def validate_consent(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict:
        """Yes or no; a no ends the form with nothing stored."""
        return {"consent": bool(value)}

    def validate_details_confirmed(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict:
        """Yes sends the request; no asks what to change."""
        return {"details_confirmed": bool(value)}

    def validate_field_to_change(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict:
        """Clears the chosen answer so the form asks for it again, or takes
        the new value given in the same message ("change the time to Friday
        afternoon"); the whole read-back is then shown again."""
        if value == UNKNOWN_FIELD:  # "change something": ask which
            return {"field_to_change": None, "details_confirmed": False}
        if value not in FIELDS:  # "nothing": back to the read-back
            return {"field_to_change": None, "details_confirmed": None}
        text = (tracker.latest_message or {}).get("text")
        new_value = None if validation.is_payload(text) else text
        given = validation.correction_value(value, new_value)
        changed: Dict[str, Any] = {
            value: None,
            "field_to_change": None,
            "details_confirmed": None,
        }
        if value == "contact":
            changed["contact_type"] = None
            if given:
                contact = validation.parse_contact(given)
                changed.update(contact=contact.value, contact_type=contact.kind)
        if value == "preferred_time":
            changed.update(preferred_date=None, outside_hours=None)
            if given:
                changed.update(time_values(given))
        if value == "full_name":
            changed["for_whom"] = None  # said again with the name, if at all
        if value in ("full_name", "reason") and given:
            changed[value] = given
        if value == "reason" and given and validation.is_skip(given):
            changed[value] = SKIPPED
        return changed


# what the reason question takes as text whatever it was ("yes", "hello"): a
# short message of one of these intents is not a reason
NOT_A_REASON = frozenset(
    {
        "greet",
        "thank",
        "affirm",
        "goodbye",
        "bot_challenge",
        "ask_capabilities",
        "request_human",
        "request_status",
        "cancel_request",
        "tell_more",
        "book_consultation",
        "request_callback",
    }
)
SHORT_MESSAGE_WORDS = 6


def _small_talk(tracker: Tracker) -> bool:
    """The latest message is small talk or a request, not a reason."""
    message = tracker.latest_message or {}
    intent = (message.get("intent") or {}).get("name")
    words = str(message.get("text") or "").split()
    return intent in NOT_A_REASON and len(words) <= SHORT_MESSAGE_WORDS


def submission_key(tracker: Tracker) -> str:
    """The same for every confirmation of one request form (a client's retry
    comes with a new message id), different for the next form.

    Raises:
        IncompleteRequest: if no form was started (no form instance).
    """
    instance = tracker.get_slot(REQUEST_INSTANCE)
    if not isinstance(instance, str) or not instance.strip():
        raise IncompleteRequest(REQUEST_INSTANCE)
    return hashlib.sha256(f"{tracker.sender_id}|{instance}".encode()).hexdigest()


class IncompleteRequest(ValueError):
    """The conversation has no complete request to store (a blank field)."""


# what a stored request must have, whatever path led to the submission
REQUIRED_FIELDS = ("full_name", "contact", "contact_type", "preferred_time")


def _new_request(tracker: Tracker) -> NewRequest:
    """The request the form collected.

    Raises:
        IncompleteRequest: if a required field is blank or no form was started.
    """
    for slot in REQUIRED_FIELDS:
        value = tracker.get_slot(slot)
        if not isinstance(value, str) or not value.strip():
            raise IncompleteRequest(slot)
    reason: str | None = tracker.get_slot("reason")
    return NewRequest(
        kind=tracker.get_slot("request_kind") or "consultation",
        full_name=tracker.get_slot("full_name"),
        contact=tracker.get_slot("contact"),
        contact_type=tracker.get_slot("contact_type"),
        preferred_time=tracker.get_slot("preferred_time"),
        preferred_date=tracker.get_slot("preferred_date"),
        reason=None if reason in (None, SKIPPED) else reason,
        for_whom=tracker.get_slot("for_whom"),
        outside_hours=bool(tracker.get_slot("outside_hours")),
        conversation_id=tracker.sender_id,
        submission_key=submission_key(tracker),
    )


class ActionSubmitRequest(Action):
    """Stores a confirmed request and gives its reference (or stores nothing)."""

    def name(self) -> str:
        """Action name."""
        return "action_submit_request"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Saves the request, or explains why nothing was saved.

        If the database cannot be written, the answers are kept so the patient
        can try again, and they are given the clinic's phone number.
        """
        if tracker.get_slot("consent") is False:
            utter_with_clinic(dispatcher, "utter_consent_declined")
            return [*cleared_request(), SlotSet("request_kind", None)]
        # only a "yes" to both, asked by the form, sends anything (a None
        # consent set over the API, or a read-back never confirmed, does not)
        if (
            tracker.get_slot("details_confirmed") is not True
            or tracker.get_slot("consent") is not True
        ):
            dispatcher.utter_message(response="utter_anything_else")
            return []
        try:
            request = _new_request(tracker)
        except IncompleteRequest as missing:
            logger.error("request not stored: %s is blank", missing)
            utter_with_clinic(dispatcher, "utter_request_incomplete")
            return [ActiveLoop(None), *cleared_request(), SlotSet("request_kind", None)]
        store = RequestStore.from_env()
        try:
            stored, created = await store.submit(request)
        except StoreUnavailable as error:
            logger.error("could not store a %s request: %s", request.kind, error)
            utter_with_clinic(dispatcher, "utter_request_not_saved")
            return []
        if created:
            logger.info("stored %s request %s", stored.kind, stored.reference)
            deliver_soon(store)
        utter_with_clinic(
            dispatcher,
            "utter_request_received",
            reference=stored.reference,
            kind=stored.kind,
        )
        return [
            *cleared_request(),
            SlotSet("request_kind", None),
            SlotSet("request_reference", stored.reference),
        ]


class ActionStopRequest(Action):
    """Leaves the request form; nothing is stored. An answer to the name
    question that only sounds like stop ("Carla Cancel") is taken as the name
    and the form goes on (the read-back shows it, and "stop" still works)."""

    def name(self) -> str:
        """Action name."""
        return "action_stop_request"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Confirms that nothing was saved and forgets the answers."""
        if tracker.get_slot(REQUESTED_SLOT) == "full_name":
            text = (tracker.latest_message or {}).get("text")
            if validation.is_a_name_not_a_command(text, command_words()):
                name = validation.check_name(text)
                if name.ok:
                    return [
                        SlotSet("full_name", name.value),
                        FollowupAction("request_form"),
                    ]
        dispatcher.utter_message(response="utter_request_stopped")
        return [
            ActiveLoop(None),
            *cleared_request(),
            SlotSet(FORM_STOPPED, True),
            SlotSet(STOPPED_KIND, tracker.get_slot("request_kind") or "consultation"),
            SlotSet(DETAILS_AFTER_STOP, None),
            SlotSet("request_kind", None),
        ]
