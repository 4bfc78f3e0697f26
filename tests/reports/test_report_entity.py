"""The sync path builds a new report's entity by hand; it must stay what ReportSchema dumps."""

import uuid
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from server.reports.models import CATEGORIES, STATUSES
from server.reports.schemas import ReportSchema
from server.reports.service import entity_of

_times = st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=8))]))
_reports = st.builds(
    SimpleNamespace,
    id=st.uuids(),
    reporter_id=st.uuids(),
    region_id=st.integers(1, 2**31 - 1),
    category=st.sampled_from(CATEGORIES),
    description=st.text(min_size=1, max_size=200),
    lat=st.floats(-90, 90, allow_nan=False),
    lon=st.floats(-180, 180, allow_nan=False),
    accuracy_m=st.none() | st.floats(0, 1e6, allow_nan=False),
    severity=st.none() | st.sampled_from(["red", "orange", "yellow", "blue"]),
    people_at_risk=st.none() | st.integers(0, 1_000_000),
    media_ids=st.lists(st.uuids(), max_size=9),
    status=st.sampled_from(STATUSES),
    reported_at=_times,
    created_at=_times,
    updated_at=_times,
    responsible_unit=st.none() | st.text(min_size=1, max_size=100),
    assignee_id=st.none() | st.uuids(),
    deadline_at=st.none() | _times,
    closed_at=st.none() | _times,
    due_at=st.none() | _times,
    step_count=st.integers(0, 1000),
)


@settings(max_examples=300, deadline=None)
@given(_reports)
def test_the_hand_built_entity_is_what_the_schema_dumps(report):
    assert entity_of(report) == ReportSchema().dump(report)


def test_a_new_field_on_the_schema_must_reach_the_hand_built_entity_too():
    report = SimpleNamespace(
        id=uuid.uuid4(),
        reporter_id=uuid.uuid4(),
        region_id=1,
        category="flood",
        description="x",
        lat=1.0,
        lon=2.0,
        accuracy_m=None,
        severity=None,
        people_at_risk=None,
        media_ids=[],
        status="reported",
        reported_at=datetime.now(UTC),
        created_at=datetime.now(UTC),
        updated_at=datetime.now(UTC),
        responsible_unit=None,
        assignee_id=None,
        deadline_at=None,
        closed_at=None,
        due_at=None,
        step_count=0,
    )
    assert list(entity_of(report)) == list(ReportSchema().dump(report))
