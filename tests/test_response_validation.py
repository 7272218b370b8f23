"""Action-server responses are checked as strictly as Rasa does, only once-prepared."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from rasa_stores import response_validation

GOOD = {
    "events": [{"event": "slot", "name": "last_topic", "value": "risks"}],
    "responses": [{"text": "hello"}],
}
BAD = [
    {"events": "not a list"},
    {"events": [{"event": "slot", "name": 3}]},
    {"responses": "text"},
]


@pytest.fixture
def action():
    response_validation.prepare_once()
    response_validation.prepare_once()  # idempotent
    return RemoteAction("action_x", EndpointConfig("http://localhost:1/webhook"))


def test_the_patched_method_is_installed(action):
    assert getattr(type(action)._validate_action_result, response_validation.PATCHED)


def test_valid_responses_pass(action):
    assert action._validate_action_result(GOOD) is True


@pytest.mark.parametrize("response", BAD)
def test_invalid_responses_fail_with_rasas_error(action, response):
    with pytest.raises(jsonschema.ValidationError, match="Action server response"):
        action._validate_action_result(response)
    # and jsonschema itself agrees they are invalid
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(response, RemoteAction.action_response_format_spec())
