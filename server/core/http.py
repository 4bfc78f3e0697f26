"""Small helpers routes share: the JSON body, list answers, answers no cache may keep."""

from functools import wraps

from flask import make_response, request

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
    answer = {
        "items": schema.dump(page["rows"], many=True),
        "total": page["total"],
        "next_cursor": page["next_cursor"],
    }
    if "total_capped" in page:  # a list that counts only so far (reports): "at least `total`"
        answer["total_capped"] = page["total_capped"]
    return answer


def no_store(view):
    """For answers with people's names and phones in them: neither the phone's browser cache
    (on disk, after the screen is gone) nor a proxy on the way may keep a copy."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        resp = make_response(view(*args, **kwargs))
        resp.headers["Cache-Control"] = "no-store"
        return resp

    return wrapper
