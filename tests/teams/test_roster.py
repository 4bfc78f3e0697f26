"""Importing a roster (花名册) from XLSX: every row checked and reported, a dry run changes
nothing, a confirm takes every good row or nothing, a file that is no spreadsheet is refused."""

import io
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

T1, T2 = "临城镇", "古田镇"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _team(ids, town=T1):
    return ids["teams"][ids["regions"][town]]


def _post(client, team, raw, confirm=False, multipart=True):
    url = f"/api/v1/teams/{team}/roster" + ("?confirm=true" if confirm else "")
    if multipart:
        return client.post(
            url, data={"file": (io.BytesIO(raw), "花名册.xlsx")}, content_type="multipart/form-data"
        )
    return client.post(url, data=raw, content_type=XLSX)


def _users(auth):
    return auth("admin").get("/api/v1/users?limit=1").json["total"]


# Headers out of order, a blank row, an extra column, good, bad and duplicate rows.
SHEET = [
    ["临城镇综合应急救援队花名册"],
    ["序号", "手机号", "姓名", "身份/队内职务", "出生日期", "文化程度", "人员类别", "备注"],
    [1, 13911110001, "陈志强", "副队长", datetime(1988, 3, 1), "高中", "退役军人", "x"],
    [2, "139 1111 0002", "林海", "队员", "1995-07-12", "初中", "民兵", None],
    [],
    [3, "13911110003", "", "队员", None, None, None, None],
    [4, "12345", "吴斌", "队员", None, None, None, None],
    [5, "13911110002", "郑磊", "队员", None, None, None, None],
    [6, "13911110006", "黄涛", "班长", None, None, None, None],
    [7, "13911110007", "周杰", "队长", None, None, None, None],
    [8, "13911110008", "王强", None, None, None, None, None],
]


def test_a_dry_run_reports_every_row_and_changes_nothing(auth, ids):
    before = _users(auth)
    resp = _post(auth("town1"), _team(ids), _xlsx(SHEET))
    assert resp.status_code == 200, resp.json
    report = resp.json
    assert report["dry_run"] is True and report["imported"] == 0
    assert set(report["ignored_columns"]) == {"序号", "备注"}
    assert report["read_only_columns"] == ["birth_date", "education", "category"]
    by_row = {r["row"]: r for r in report["rows"]}
    assert sorted(by_row) == [3, 4, 6, 7, 8, 9, 10, 11]  # the blank row 5 is skipped
    assert by_row[3]["status"] == "taken" and by_row[3]["phone"] == "+8613911110001"
    assert by_row[3]["team_role"] == "vice_captain"
    assert by_row[3]["read"] == {"birth_date": "1988-03-01", "education": "高中", "category": "退役军人"}
    assert by_row[4]["status"] == "taken"
    assert by_row[6]["status"] == "refused" and "姓名为空" in by_row[6]["reasons"]
    assert "不是中国大陆手机号" in by_row[7]["reasons"][0]
    assert by_row[8]["reasons"] == ["手机号与第 4 行重复"]
    assert "不认识" in by_row[9]["reasons"][0]
    # The team has a captain already (captain1).
    assert by_row[10]["status"] == "refused" and "本队已有队长" in by_row[10]["reasons"][0]
    assert by_row[11]["status"] == "taken" and by_row[11]["team_role"] == "member"
    assert (report["taken"], report["refused"]) == (3, 5)
    assert _users(auth) == before


def test_a_confirm_takes_the_good_rows_as_members_of_the_team(auth, ids):
    town1 = auth("town1")
    size = town1.get(f"/api/v1/teams/{_team(ids)}").json["size"]
    resp = _post(town1, _team(ids), _xlsx(SHEET), confirm=True, multipart=False)
    assert resp.status_code == 200, resp.json
    assert resp.json["imported"] == 3 and resp.json["dry_run"] is False
    assert town1.get(f"/api/v1/teams/{_team(ids)}").json["size"] == size + 3
    members = town1.get(f"/api/v1/members?team_id={_team(ids)}&limit=200").json["items"]
    chen = next(m for m in members if m["display_name"] == "陈志强")
    assert chen["team_role"] == "vice_captain" and chen["phone"] == "+8613911110001"
    # Sent again, every row is now a known phone: nothing more comes in.
    again = _post(town1, _team(ids), _xlsx(SHEET), confirm=True)
    assert again.json["imported"] == 0
    by_row = {r["row"]: r for r in again.json["rows"]}
    assert all("手机号已登记" in " ".join(by_row[n]["reasons"]) for n in (3, 4, 11))
    assert town1.get(f"/api/v1/teams/{_team(ids)}").json["size"] == size + 3


def test_a_phone_already_registered_is_refused(auth, ids):
    member1 = auth("admin").get(f"/api/v1/users/{ids['users']['member1']}").json
    rows = [["姓名", "手机号"], ["李四", member1["phone"].removeprefix("+86")]]
    report = _post(auth("town1"), _team(ids), _xlsx(rows)).json
    assert report["rows"][0]["status"] == "refused"
    assert report["rows"][0]["reasons"] == [f"手机号已登记（{member1['display_name']}）"]


def test_what_is_not_a_spreadsheet_is_refused_and_nothing_changes(auth, ids):
    town1 = auth("town1")
    before = _users(auth)
    for raw, status in (
        (b"name,phone\n\xe5\xbc\xa0,13900000000\n", 415),
        (b"%PDF-1.4 not a roster", 415),
        (b"", 422),
        (b"PK\x03\x04 broken zip", 422),
    ):
        for multipart in (True, False):
            resp = _post(town1, _team(ids), raw, confirm=True, multipart=multipart)
            assert resp.status_code == status, (raw, resp.json)
            assert resp.mimetype == "application/problem+json"
            assert resp.json["type"].endswith("/not-a-spreadsheet")
    # A zip that holds no workbook.
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert _post(town1, _team(ids), out.getvalue(), confirm=True).status_code == 422
    # A sheet without the header the import needs.
    no_header = _post(town1, _team(ids), _xlsx([["a", "b"], [1, 2]]), confirm=True)
    assert no_header.status_code == 422 and no_header.json["type"].endswith("/roster-no-header")
    assert _users(auth) == before


def test_a_file_over_the_limit_is_413(app, auth, ids):
    app.config["ROSTER_MAX_BYTES"] = 1024
    try:
        resp = _post(auth("town1"), _team(ids), b"PK\x03\x04" + b"0" * 5000, multipart=False)
    finally:
        app.config["ROSTER_MAX_BYTES"] = 2 * 1024 * 1024
    assert resp.status_code == 413 and resp.json["type"].endswith("/payload-too-large")


def test_only_the_desk_of_the_teams_region_imports(auth, ids):
    raw = _xlsx(SHEET)
    for username, team, status in (
        ("admin", _team(ids, T2), 200),
        ("duty", _team(ids, T1), 200),
        ("town1", _team(ids, T2), 404),
        ("town2", _team(ids, T1), 404),
        ("captain1", _team(ids, T1), 403),
        ("member1", _team(ids, T1), 403),
        ("officer1", _team(ids, T1), 403),
        ("shelter1", _team(ids, T1), 403),
    ):
        resp = _post(auth(username), team, raw)
        assert resp.status_code == status, (username, resp.json)
        template = auth(username).get("/api/v1/teams/roster-template.xlsx")
        assert template.status_code == (200 if status != 403 else 403), username


def test_the_template_has_the_headers_the_import_reads(auth, ids):
    resp = auth("town1").get("/api/v1/teams/roster-template.xlsx")
    assert resp.status_code == 200 and resp.mimetype == XLSX
    sheet = load_workbook(io.BytesIO(resp.data)).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers == ["姓名", "手机号", "身份/队内职务", "出生日期", "文化程度", "人员类别"]
    assert sheet.max_row == 1
    # Filled in and sent back, it is read.
    sheet.append(["赵六", "13922220001", "队员", "1990-01-01", "大专", "企业专职消防员"])
    out = io.BytesIO()
    sheet.parent.save(out)
    report = _post(auth("town1"), _team(ids), out.getvalue()).json
    assert [r["status"] for r in report["rows"]] == ["taken"]


CELL = st.one_of(
    st.none(),
    st.text(max_size=30).filter(lambda s: all(c.isprintable() for c in s)),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(["队长", "副队长", "队员", "13912345678", "+8613912345678", " 139 1234 5678 "]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=3, max_size=7), max_size=8))
def test_any_cell_values_get_a_report_never_a_5xx(auth, ids, rows):
    client = auth("town1")
    try:
        raw = _xlsx([["姓名", "手机号", "身份", "出生日期", "文化程度"], *rows])
    except Exception:  # noqa: BLE001 - openpyxl refuses some text (control characters) itself
        return
    resp = _post(client, _team(ids), raw)
    assert resp.status_code == 200, resp.json
    assert len(resp.json["rows"]) <= len(rows)
    for row in resp.json["rows"]:
        assert row["status"] in ("taken", "refused")
        assert (row["status"] == "refused") == bool(row["reasons"])


def test_a_failure_midway_leaves_nothing_half_imported(auth, ids, monkeypatch):
    from server.errors import ApiProblem
    from server.teams import roster

    def fail(*_args, **_kw):
        raise ApiProblem(409, "conflict", "Conflict", "Something changed meanwhile.")

    monkeypatch.setattr(roster, "record", fail)  # after every member is added and flushed
    before = _users(auth)
    resp = _post(auth("town1"), _team(ids), _xlsx(SHEET), confirm=True)
    assert resp.status_code == 409
    assert _users(auth) == before
    members = auth("town1").get(f"/api/v1/members?team_id={_team(ids)}&limit=200").json["items"]
    assert "陈志强" not in {m["display_name"] for m in members}


def test_a_phone_registered_in_another_township_is_refused_without_naming_the_person(auth, ids):
    theirs = auth("admin").get(f"/api/v1/users/{ids['users']['t2member1']}").json
    rows = [["姓名", "手机号"], ["李四", theirs["phone"]]]
    report = _post(auth("town1"), _team(ids), _xlsx(rows)).json
    assert report["rows"][0]["reasons"] == ["手机号已登记（其他地区的用户）"]
    assert theirs["display_name"] not in str(report)
