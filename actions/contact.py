"""Contact with the clinic's staff (consultations, callbacks, a person)."""


from bot.action_support import ClinicResponseAction


class ActionContactClinic(ClinicResponseAction):
    """Gives the clinic's phone, email and opening hours."""

    response = "utter_contact_clinic"

    def name(self) -> str:
        """Action name."""
        return "action_contact_clinic"
