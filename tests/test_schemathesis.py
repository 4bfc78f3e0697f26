"""The API against its own OpenAPI document (schemathesis, in-process over WSGI): for inputs the
document allows and for inputs it does not, no 5xx, and every answer has a documented status,
content type and body. Signed in as the demo county's duty officer, a team member and the
administrator.

Bounded and repeatable: at most EXAMPLES examples per operation, user and mode, derandomized (the
seed comes from the test function's code, so the same code sends the same requests), no example
database. The number of calls, their statuses and the time are printed (`pytest -s`)."""

import collections
import itertools
import time

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from server.extensions import limiter

# The desk, the field, and an administrator (the only one who reaches users, regions, shelters).
USERS = ("duty", "member1", "admin")
EXAMPLES = 12
# Positive: what the document allows. Negative: what it does not (the wrong types, missing
# fields, the sync envelope's `"type": {}`): a 4xx problem, never a 5xx.
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Ending the caller's own session would turn every later call into a 401 and test nothing.
SKIP = {("POST", "/api/v1/auth/logout")}


def _login(app, client, username: str) -> str:
    # The login limit (and every other) starts afresh for each operation: a 429 tests nothing.
    with app.app_context():
        limiter.reset()
    resp = client.post("/api/v1/auth/login", json={"username": username, "password": "demo12345"})
    assert resp.status_code == 200, resp.json
    return resp.json["access_token"]


def _run(operation, mode, username: str, headers: dict, failures: dict, calls: list) -> None:
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        response = case.call(headers=headers)
        calls.append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, FailureGroup) as exc:
            # One report per operation and kind of failure; the first example shows it.
            kinds = tuple(sorted(type(e).__name__ for e in getattr(exc, "exceptions", [exc])))
            failures.setdefault(
                (operation.label, kinds), f"{operation.label} as {username} ({mode.value}): {exc}"
            )

    try:
        check()
    except hypothesis.errors.Unsatisfiable:
        # Nothing to make invalid: an operation without parameters or body, in negative mode.
        assert mode is GenerationMode.NEGATIVE, operation.label


@pytest.mark.timeout(600)
def test_no_input_the_document_allows_gives_a_5xx_or_an_undocumented_answer(app, client, demo):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: dict[tuple, str] = {}
    calls: list[int] = []  # the status of each call
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    for username, mode, operation in itertools.product(USERS, MODES, operations):
        if (operation.method.upper(), operation.path) in SKIP:
            continue
        # A fresh session per operation: one that changed the caller (a password, a role) must
        # not leave the rest testing only 401s.
        headers = {"Authorization": f"Bearer {_login(app, client, username)}"}
        _run(operation, mode, username, headers, failures, calls)
    elapsed = time.monotonic() - started
    print(  # noqa: T201 - the run's size and time, for the record (pytest -s shows it)
        f"\nschemathesis: {len(calls)} calls, {len(operations)} operations x {len(USERS)} users x "
        f"{len(MODES)} modes, at most {EXAMPLES} examples each, in {elapsed:.1f}s; statuses "
        + ", ".join(f"{code}: {n}" for code, n in sorted(collections.Counter(calls).items()))
    )
    assert not failures, "\n\n".join(list(failures.values())[:30])
