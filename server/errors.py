"""Every error the API answers, as RFC 9457 problem+json."""

import logging
import traceback
import uuid

from flask import Flask, current_app, g, jsonify, request
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from .core.unit_of_work import CommitInsideRequest, TransactionEndedInsideOp

log = logging.getLogger(__name__)
PROBLEM_BASE = "https://emergency-field.example/problems/"
PROBLEM_MIME = "application/problem+json"


def problem_type(slug: str) -> str:
    return PROBLEM_BASE + slug


class ApiProblem(Exception):
    """Raised by services; the handler turns it into problem+json."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str = "",
        errors=None,
        *,
        keep_changes: bool = False,
        **extra,
    ):
        super().__init__(detail or title)
        # A refusal that is itself a change to keep (a reused refresh token ends its session):
        # a REST request commits before answering it. Every other refusal leaves nothing.
        self.keep_changes = keep_changes
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail or title
        self.errors = errors
        self.extra = extra

    def to_dict(self) -> dict:
        body = {
            "type": problem_type(self.slug),
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


def not_found(what: str = "record") -> ApiProblem:
    return ApiProblem(404, "not-found", "Not found", f"No such {what}, or not in your region.")


def forbidden(detail: str = "Your role may not do this.") -> ApiProblem:
    return ApiProblem(403, "forbidden", "Forbidden", detail)


def validation_problem(errors: dict, detail: str = "The request has invalid fields.") -> ApiProblem:
    return ApiProblem(422, "validation", "Invalid input", detail, errors=errors)


def problem_response(problem: ApiProblem):
    body = problem.to_dict()
    rid = getattr(g, "request_id", None)
    if rid:
        body.setdefault("request_id", rid)
    resp = jsonify(body)
    resp.status_code = problem.status
    resp.mimetype = PROBLEM_MIME
    if problem.status == 429 and "retry_after" in problem.extra:
        resp.headers["Retry-After"] = str(problem.extra["retry_after"])
    return resp


_HTTP_SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation",
    429: "rate-limited",
}


def _is_api_request() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def register_error_handlers(app: Flask, shell=None) -> None:
    """`shell`: what answers an unknown path outside the API (the app's page, from web.py above;
    errors sit on the bottom floor and do not import it)."""

    @app.before_request
    def _request_id():
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming[:64] if incoming.isascii() and incoming else uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(resp):
        rid = getattr(g, "request_id", None)
        if rid:
            resp.headers["X-Request-Id"] = rid
        return resp

    @app.errorhandler(ApiProblem)
    def _api_problem(exc: ApiProblem):
        return problem_response(exc)

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError):
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return problem_response(validation_problem(messages))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if not _is_api_request() and exc.code == 404 and shell is not None:
            # Unknown paths outside the API belong to the app shell.
            return shell()
        status = exc.code or 500
        problem = ApiProblem(
            status,
            _HTTP_SLUGS.get(status, "http-error"),
            exc.name,
            exc.description or exc.name,
        )
        resp = problem_response(problem)
        if status == 405 and getattr(exc, "valid_methods", None):
            resp.headers["Allow"] = ", ".join(exc.valid_methods)
        if status == 429:
            resp.headers["Retry-After"] = str(getattr(exc, "retry_after", 60) or 60)
        return resp

    @app.errorhandler(IntegrityError)
    def _integrity(_exc: IntegrityError):
        # A unique key lost a race that the service's own check could not see.
        from .extensions import db

        db.session.rollback()
        return problem_response(
            ApiProblem(409, "conflict", "Conflict", "This conflicts with a record that already exists.")
        )

    @app.errorhandler(OperationalError)
    def _db_down(exc: OperationalError):
        # The database is away or locked: say "try again" so phones keep their outbox and retry.
        from .extensions import db

        db.session.rollback()
        current_app.logger.error(
            "database unavailable (%s) on %s %s request_id=%s",
            type(exc.orig).__name__,
            request.method,
            request.path,
            getattr(g, "request_id", "-"),
        )
        resp = problem_response(
            ApiProblem(503, "unavailable", "Service unavailable", "The database is busy or away; try again.")
        )
        resp.headers["Retry-After"] = "5"
        return resp

    @app.errorhandler(TransactionEndedInsideOp)
    def _op_ended_transaction(exc: TransactionEndedInsideOp):
        # A handler broke the sync door's exactly-once rule. Nothing of the batch may stay: the
        # phone has had no answer for any of its ops yet, and keeps them all to send again.
        return _refused_bug(
            exc,
            "sync batch refused: the handler of op type %s %s the session inside its op request_id=%s",
            (exc.op_type, exc.what),
            "The server could not apply this batch; nothing of it was kept. Send it again later.",
        )

    @app.errorhandler(CommitInsideRequest)
    def _commit_inside_request(exc: CommitInsideRequest):
        # A service committed before the request's one commit point; it was refused in time.
        return _refused_bug(
            exc,
            "refused a commit while the view ran on %s %s request_id=%s",
            (request.method, request.path),
            "Something went wrong on the server; nothing was changed.",
        )

    def _refused_bug(exc, message: str, args: tuple, detail: str):
        """A unit-of-work rule broken by our own code: nothing kept, the test fails, a 500 else."""
        from .extensions import db

        db.session.rollback()
        current_app.logger.error(message, *args, getattr(g, "request_id", "-"))
        if current_app.testing:
            raise exc  # a test that meets it fails
        return problem_response(ApiProblem(500, "internal", "Internal error", detail))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # Log where it broke, never the message: a database error's message carries the
        # statement's parameters, which may be a phone number or a password hash.
        frames = traceback.extract_tb(exc.__traceback__)[-6:]
        where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in frames)
        current_app.logger.error(
            "unhandled %s on %s %s request_id=%s at %s",
            type(exc).__name__,
            request.method,
            request.path,
            getattr(g, "request_id", "-"),
            where,
        )
        from .extensions import db

        db.session.rollback()
        return problem_response(
            ApiProblem(
                500,
                "internal",
                "Internal error",
                "Something went wrong on the server; nothing was changed. "
                "Quote the request id when reporting it.",
            )
        )
