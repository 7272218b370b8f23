"""Check action-server responses against Rasa's schema with one prepared validator.

Rasa validates every action-server response with ``jsonschema.validate``,
which first checks the (constant) schema itself against the JSON Schema
metaschema, on every call: 17% of a FAQ turn's time in the Rasa server,
measured with py-spy. ``prepare_once`` checks the schema once and reuses one
validator. Valid responses pass as before; an invalid one is handed to Rasa's
own method, so it fails with exactly Rasa's error.

Written for the pinned Rasa 3.6.21 (``RemoteAction._validate_action_result``);
the tests check that the method is still there and behaves the same.
"""

from typing import Any, Dict

PATCHED = "_validated_with_prepared_validator"


def prepare_once() -> None:
    """Makes Rasa's response check reuse one validator (idempotent)."""
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    rasa_check = RemoteAction._validate_action_result
    if getattr(rasa_check, PATCHED, False):
        return
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
        if best_match(validator.iter_errors(result)) is None:
            return True
        return rasa_check(self, result)  # raises Rasa's ValidationError

    setattr(_validate_action_result, PATCHED, True)
    RemoteAction._validate_action_result = _validate_action_result
