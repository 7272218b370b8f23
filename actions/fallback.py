"""Low-confidence messages: "did you mean ...?", then an offer of a person."""

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot import answers
from bot.action_support import LAST_TOPIC, knowledge_or_apology

FALLBACK_INTENT = "nlu_fallback"
SOMETHING_ELSE_PAYLOAD = "/deny"


def _previous_user_intent(tracker: Tracker) -> str | None:
    """The intent of the user message before the latest one, if any."""
    user_events = [e for e in reversed(tracker.events) if e.get("event") == "user"]
    if len(user_events) < 2:
        return None
    return ((user_events[1].get("parse_data") or {}).get("intent") or {}).get("name")


class ActionClarify(Action):
    """Offers the likeliest topics as buttons; a second miss offers the clinic."""

    def name(self) -> str:
        """Action name."""
        return "action_clarify"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Utters "did you mean" with up to 3 topics and "something else"."""
        if not ((tracker.latest_message or {}).get("text") or "").strip():
            dispatcher.utter_message(response="utter_empty_message")
            return []
        kb = knowledge_or_apology(dispatcher)
        if kb is None:
            return []
        message = tracker.latest_message or {}
        ranking = message.get("intent_ranking") or []
        names = answers.suggestions(kb, ranking)
        terms = [e.get("value") for e in message.get("entities") or []]
        found = answers.reply_when_unsure(kb, message.get("text") or "", names, terms)
        if found is not None:  # the point asked is clear after all
            reply, topic = found
            dispatcher.utter_message(text=reply.text, buttons=reply.buttons)
            return [SlotSet(LAST_TOPIC, topic)] if topic else []
        if _previous_user_intent(tracker) == FALLBACK_INTENT:
            dispatcher.utter_message(response="utter_clarify_failed")
            return []
        if not names:
            dispatcher.utter_message(response="utter_clarify_failed")
            return []
        buttons = answers.topic_buttons(kb, names)
        buttons.append(
            {"title": kb.ui["something_else_button"], "payload": SOMETHING_ELSE_PAYLOAD}
        )
        dispatcher.utter_message(response="utter_clarify", buttons=buttons)
        return []
