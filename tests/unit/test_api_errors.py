"""The API's one error shape: nested messages flattened, one summary line, the right status per refusal."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.exceptions import MethodNotAllowed, UnprocessableEntity
from werkzeug.exceptions import NotFound as HttpNotFound

from mitra.api.errors import ApiError, error_response, flatten, handle_http_exception, summary
from mitra.services import errors


@pytest.mark.parametrize(
    ("nested", "flat"),
    [
        ({"title": ["Missing data for required field."]}, {"title": ["Missing data for required field."]}),
        ({"title": "too long"}, {"title": ["too long"]}),
        (
            {"outcomes": {"umkm": {"value": ["Must be at least 0."]}}},
            {"outcomes.umkm.value": ["Must be at least 0."]},
        ),
        (
            {"items": {0: {"name": ["bad"]}, 2: {"name": ["worse"]}}},
            {"items.0.name": ["bad"], "items.2.name": ["worse"]},
        ),
        ({"ends_on": ("a", "b")}, {"ends_on": ["a", "b"]}),
        (
            {"tags": [{"code": ["unknown"]}, "and one more"]},
            {"tags.code": ["unknown"], "tags": ["and one more"]},
        ),
        ({}, {}),
    ],
)
def test_nested_messages_become_dotted_fields(nested, flat):
    assert flatten(nested) == flat


def test_the_summary_is_one_line_naming_each_field():
    assert summary({"title": ["is required"], "ends_on": ["must not be", "before starts_on"]}) == (
        "title: is required; ends_on: must not be before starts_on"
    )


@pytest.fixture
def app():
    return Flask(__name__)


def test_an_error_answers_in_the_one_json_shape(app):
    with app.app_context():
        response = error_response(409, "it changed", {"status": {"now": ["is active"]}}, {"Retry-After": "3"})
    assert response.status_code == 409
    assert response.get_json() == {
        "code": 409,
        "status": "Conflict",
        "message": "it changed",
        "errors": {"status.now": ["is active"]},
    }
    assert response.headers["Retry-After"] == "3"


def test_an_error_without_fields_to_blame_has_empty_errors(app):
    with app.app_context():
        body = error_response(503, "busy").get_json()
    assert body == {"code": 503, "status": "Service Unavailable", "message": "busy", "errors": {}}


def test_invalid_query_or_body_answers_with_the_fields_and_a_summary(app):
    refused = UnprocessableEntity()
    refused.data = {
        "messages": {"json": {"title": ["Missing data for required field."]}, "query": {"page": ["bad"]}}
    }
    with app.test_request_context("/api/collaborations", method="POST"):
        response = handle_http_exception(refused)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"title": ["Missing data for required field."], "page": ["bad"]}
    assert (
        response.get_json()["message"] == "invalid input: title: Missing data for required field.; page: bad"
    )


def test_a_wrong_method_on_the_api_keeps_its_allow_header(app):
    with app.test_request_context("/api/collaborations", method="DELETE"):
        response = handle_http_exception(MethodNotAllowed(valid_methods=["GET", "POST"]))
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"
    assert response.get_json()["status"] == "Method Not Allowed"
    assert response.mimetype == "application/json"


def test_pages_outside_the_api_keep_flasks_own_error_pages(app):
    missing = HttpNotFound()
    with app.test_request_context("/collaborations/7"):
        assert handle_http_exception(missing) is missing


# -- each refusal knows its status ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.ServiceError("no"), 400),
        (errors.Unauthenticated("who are you"), 401),
        (errors.Forbidden("not yours"), 403),
        (errors.NotFound("collaboration", 7), 404),
        (errors.Conflict("changed"), 409),
        (errors.PreconditionFailed("stale"), 412),
        (errors.InvalidInput("bad"), 422),
        (errors.PreconditionRequired("send If-Match"), 428),
        (errors.TooManyRequests("slow down", 30), 429),
        (ApiError(413, "too large"), 413),
    ],
)
def test_each_refusal_answers_its_http_status(error, status):
    assert error.status == status


def test_not_found_says_what_and_which_without_telling_whether_it_exists():
    assert errors.NotFound("collaboration", 7).message == "collaboration 7 does not exist"


def test_invalid_input_on_one_field_names_it_in_the_message_and_the_errors():
    refused = errors.InvalidInput.field("respond_by", "has passed")
    assert (refused.message, refused.errors) == ("respond_by: has passed", {"respond_by": ["has passed"]})


@pytest.mark.parametrize(("seconds", "header"), [(30, "30"), (1, "1"), (0, "1"), (-5, "1")])
def test_too_many_requests_always_says_to_wait_at_least_a_second(seconds, header):
    refused = errors.TooManyRequests("slow down", seconds)
    assert refused.headers == {"Retry-After": header}
    assert refused.retry_after == int(header)


def test_a_refusals_field_messages_are_copied_not_shared():
    messages = {"title": ["is required"]}
    refused = errors.Conflict("no", messages)
    messages["title"].append("later")
    assert refused.errors == {"title": ["is required"]}
