"""Small helpers routes share: the JSON body, list answers."""

from flask import request

from ..errors import ApiProblem
from .schemas import reject_unstorable


def json_body() -> dict:
    data = request.get_json(silent=True)
    if data is None:
        raise ApiProblem(
            400, "bad-json", "Bad request", "The body must be JSON (Content-Type: application/json)."
        )
    if not isinstance(data, dict):
        raise ApiProblem(422, "validation", "Invalid input", errors={"_schema": ["Expected an object."]})
    reject_unstorable(data)
    return data


def page_answer(page: dict, schema) -> dict:
    return {
        "items": schema.dump(page["rows"], many=True),
        "total": page["total"],
        "next_cursor": page["next_cursor"],
    }
