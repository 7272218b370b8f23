"""Emergencies: send the person to emergency care before anything else."""


from bot.action_support import ClinicResponseAction


class ActionEmergency(ClinicResponseAction):
    """Tells the person to call the emergency number or go to A&E now."""

    response = "utter_emergency"

    def name(self) -> str:
        """Action name."""
        return "action_emergency"
