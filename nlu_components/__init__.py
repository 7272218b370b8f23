"""Custom Rasa NLU components; the language logic itself lives in ``bot/``."""
