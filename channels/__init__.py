"""Custom Rasa input channels (Rasa server code; the logic is in ``bot``)."""
