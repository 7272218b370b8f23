"""Custom actions: one module per feature, one class per action.

The action server imports this package once, at start: the answer index
(facts and their embeddings) is built then, so the first patient's question
does not wait for it.
"""

from bot.action_support import prepare_answers

prepare_answers()
