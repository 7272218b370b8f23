"""Status and cancellation of requests already made, by reference.

Only requests made in this same conversation are ever found: a reference
from someone else's conversation gets the same "not found" answer as a
reference that does not exist, so nothing about other people is revealed.
"""

import logging
from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.action_support import utter_with_clinic
from bot.handoff import deliver_soon
from bot.references import find_reference_like, find_references, normalise
from bot.request_form import REQUEST_FORM
from bot.store import RequestStore, StoredRequest, StoreUnavailable

logger = logging.getLogger(__name__)


def _references(tracker: Tracker) -> List[str]:
    """References from a button's entity, else written in the message."""
    message = tracker.latest_message or {}
    found = [
        normalise(str(e.get("value")))
        for e in message.get("entities") or []
        if e.get("entity") == "reference" and e.get("value")
    ]
    text = message.get("text") or ""
    return found or find_references(text) or find_reference_like(text)


def _during_the_form(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Asked during a request form without a reference: the request being
    made has not been sent yet, and is not "another request"."""
    if tracker.active_loop_name != REQUEST_FORM or _references(tracker):
        return False
    dispatcher.utter_message(response="utter_request_not_sent_yet")
    return True


def _utter_status(dispatcher: CollectingDispatcher, request: StoredRequest) -> None:
    dispatcher.utter_message(
        response=f"utter_request_status_{request.status}",
        kind=request.kind,
        reference=request.reference,
    )


class ActionRequestStatus(Action):
    """Says where this conversation's requests stand."""

    def name(self) -> str:
        """Action name."""
        return "action_request_status"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """The status of the named request, or of this conversation's requests."""
        if _during_the_form(dispatcher, tracker):
            return []
        store = RequestStore.from_env()
        references = _references(tracker)
        try:
            if references:
                request = await store.get(references[0], tracker.sender_id)
                mine = [request] if request else []
            else:
                mine = await store.list(conversation_id=tracker.sender_id)
        except StoreUnavailable as error:
            logger.error("could not read requests: %s", error)
            utter_with_clinic(dispatcher, "utter_store_unavailable")
            return []
        if references and not mine:
            utter_with_clinic(
                dispatcher, "utter_request_not_found", reference=references[0]
            )
        elif not mine:
            utter_with_clinic(dispatcher, "utter_no_requests")
        for request in mine:
            _utter_status(dispatcher, request)
        return []


class ActionCancelRequest(Action):
    """Cancels one of this conversation's pending requests."""

    def name(self) -> str:
        """Action name."""
        return "action_cancel_request"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Cancels the named request (or the only pending one) and tells the clinic."""
        if _during_the_form(dispatcher, tracker):
            return []
        store = RequestStore.from_env()
        references = _references(tracker)
        try:
            if not references:
                pending = [
                    r.reference for r in await store.list("pending", tracker.sender_id)
                ]
                if len(pending) != 1:
                    self._ask_which(dispatcher, pending)
                    return []
                references = pending
            request = await store.get(references[0], tracker.sender_id)
            if request is None:
                utter_with_clinic(
                    dispatcher, "utter_request_not_found", reference=references[0]
                )
                return []
            if request.status == "pending":
                request = await store.set_status(
                    request.reference, "cancelled", tracker.sender_id
                )
                logger.info("cancelled request %s", request.reference)
                dispatcher.utter_message(
                    response="utter_request_cancelled",
                    kind=request.kind,
                    reference=request.reference,
                )
                deliver_soon(store)
            else:
                _utter_status(dispatcher, request)
        except StoreUnavailable as error:
            logger.error("could not cancel a request: %s", error)
            utter_with_clinic(dispatcher, "utter_store_unavailable")
        return []

    @staticmethod
    def _ask_which(dispatcher: CollectingDispatcher, pending: List[str]) -> None:
        if not pending:
            utter_with_clinic(dispatcher, "utter_no_requests")
            return
        buttons = [
            {"title": ref, "payload": f'/cancel_request{{"reference": "{ref}"}}'}
            for ref in pending
        ]
        dispatcher.utter_message(response="utter_which_request", buttons=buttons)
