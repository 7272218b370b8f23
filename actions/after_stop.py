"""Details typed after the request form was stopped: kept, and a new form
offered with one tap, instead of being silently dropped."""

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.request_form import DETAILS_AFTER_STOP, STOPPED_KIND, detail_typed


class ActionDetailsAfterStop(Action):
    """A name, phone, email or time typed after "stop": the person is told the
    form was stopped and offered to start again with what they typed kept.
    Anything else goes where it would have gone (``fallback``)."""

    fallback = "utter_inform_outside_form"

    def name(self) -> str:
        """Action name."""
        return "action_details_after_stop"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Keeps the detail and offers the form again, or hands over."""
        kind = tracker.get_slot(STOPPED_KIND)
        detail = detail_typed((tracker.latest_message or {}).get("text"))
        if not kind or not detail:
            return [FollowupAction(self._fallback(tracker))]
        kept: Dict[str, Any] = dict(tracker.get_slot(DETAILS_AFTER_STOP) or {})
        kept.update(detail)
        dispatcher.utter_message(response=f"utter_details_after_stop_{kind}")
        return [SlotSet(DETAILS_AFTER_STOP, kept)]

    def _fallback(self, tracker: Tracker) -> str:
        """Where the message would have gone without a stopped form."""
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        return {
            "out_of_scope": "utter_out_of_scope",
            "nlu_fallback": "action_clarify",
        }.get(intent, self.fallback)
