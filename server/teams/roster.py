"""Importing a team's roster from the XLSX sheet a township already keeps (花名册).

Every row is checked and answered, taken or refused with its reasons in Chinese. A dry run
changes nothing; a confirm adds every good row in the request's one transaction: a failure
anywhere (a phone taken by someone else in the meantime) rolls all of it back.
"""

import io
import re
import uuid
import zipfile
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from marshmallow import ValidationError

from ..accounts.models import User
from ..accounts.passwords import unusable_password
from ..core.audit import record
from ..core.schemas import normalise_phone, unstorable_text
from ..errors import ApiProblem
from ..extensions import db
from ..regions.service import scope_ids

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Each field and the headers a township's sheet may give it (matched after removing spaces).
HEADERS = {
    "name": ("姓名",),
    "phone": ("手机号", "手机号码", "手机", "联系电话", "电话"),
    "team_role": ("身份/队内职务", "队内职务", "身份", "职务"),
    "birth_date": ("出生日期", "出生年月"),
    "education": ("文化程度", "学历"),
    "category": ("人员类别", "类别"),
}
# Read and shown, not stored here: member profiles keep them (teams/profiles.py).
READ_ONLY_FIELDS = ("birth_date", "education", "category")
TEMPLATE_HEADERS = ["姓名", "手机号", "身份/队内职务", "出生日期", "文化程度", "人员类别"]
ROLE_WORDS = {"队长": "captain", "副队长": "vice_captain", "队员": "member"}
ROLE_LABELS = {v: k for k, v in ROLE_WORDS.items()}
MAX_ROWS = 1000
MAX_COLUMNS = 60
# A sheet is a zip: what it unpacks to is bounded too (a small file can unpack to gigabytes).
MAX_UNPACKED = 40 * 1024 * 1024
_MOBILE = re.compile(r"\+861[3-9]\d{9}")


def not_a_spreadsheet(detail: str, status: int = 422) -> ApiProblem:
    return ApiProblem(
        status,
        "not-a-spreadsheet",
        "Not a spreadsheet",
        detail,
        errors={"file": ["请上传 .xlsx 格式的花名册 / Upload the roster as an .xlsx file."]},
    )


def too_large() -> ApiProblem:
    limit = current_app.config["ROSTER_MAX_BYTES"]
    return ApiProblem(
        413,
        "payload-too-large",
        "File too large",
        f"The roster may be at most {limit // 1024} KiB.",
        errors={"file": [f"文件不能超过 {limit // 1024} KiB。"]},
    )


def _rows(raw: bytes):
    """The sheet's rows as tuples of cell values; a problem if these bytes are no workbook."""
    if not raw:
        raise not_a_spreadsheet("The body is empty: send the roster as an .xlsx file.")
    if not raw.startswith(b"PK\x03\x04"):
        raise not_a_spreadsheet("This file is not an .xlsx spreadsheet.", status=415)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise not_a_spreadsheet("This spreadsheet unpacks to too much data.")
    except zipfile.BadZipFile:
        raise not_a_spreadsheet("This file is damaged or not an .xlsx spreadsheet.") from None
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a zip that is no workbook
        raise not_a_spreadsheet("This file is a zip but not an .xlsx spreadsheet.") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise not_a_spreadsheet("This spreadsheet has no sheet.")
        rows = []
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            rows.append(tuple(values))
            if len(rows) > MAX_ROWS + 20:
                raise ApiProblem(
                    422,
                    "roster-too-long",
                    "Too many rows",
                    f"A roster may have at most {MAX_ROWS} rows.",
                    errors={"file": [f"花名册最多 {MAX_ROWS} 行。"]},
                )
        return rows
    except ApiProblem:
        raise
    except Exception:  # noqa: BLE001 - a broken sheet inside a valid zip
        raise not_a_spreadsheet("This spreadsheet cannot be read.") from None
    finally:
        book.close()


def _text(value) -> str:
    """A cell as the text a person typed: 13800138000.0 is 13800138000, a date its ISO day."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _key(header) -> str:
    return re.sub(r"\s+", "", _text(header))


def _find_header(rows):
    """(index of the header row, {field: column}, [ignored headers]): the first row naming 姓名."""
    lookup = {alias: field for field, aliases in HEADERS.items() for alias in aliases}
    for index, row in enumerate(rows[:20]):
        keys = [_key(cell) for cell in row]
        if "姓名" not in keys:
            continue
        columns, ignored = {}, []
        for col, key in enumerate(keys):
            if not key:
                continue
            field = lookup.get(key)
            if field is None or field in columns:
                ignored.append(key[:40])
            else:
                columns[field] = col
        return index, columns, ignored
    raise ApiProblem(
        422,
        "roster-no-header",
        "No header row",
        "No row names the columns: the sheet needs a header row with 姓名 and 手机号.",
        errors={"file": ["找不到表头：第一张表需要有“姓名”“手机号”列。"]},
    )


def _check_row(values: dict) -> tuple[dict, list[str]]:
    reasons = []
    name = values.get("name", "")
    if not name:
        reasons.append("姓名为空")
    elif len(name) > 80:
        reasons.append("姓名超过 80 个字")
    elif unstorable_text(name) is not None:
        reasons.append("姓名含有无法保存的字符")
    raw_phone = values.get("phone", "")
    phone = None
    if not raw_phone:
        reasons.append("手机号为空")
    else:
        try:
            phone = normalise_phone(raw_phone[:40])
        except ValidationError:
            phone = None
        if phone is None or not _MOBILE.fullmatch(phone):
            reasons.append(f"手机号“{raw_phone[:20]}”不是中国大陆手机号")
            phone = None
    role_word = re.sub(r"\s+", "", values.get("team_role", ""))
    team_role = ROLE_WORDS.get(role_word or "队员")
    if team_role is None:
        reasons.append(f"身份“{role_word[:20]}”不认识，应为 队长、副队长 或 队员")
    return {"name": name, "phone": phone, "team_role": team_role}, reasons


def check(actor, team, raw: bytes) -> dict:
    """Read and check every row; change nothing. The answer is the row-by-row report."""
    rows = _rows(raw)
    header_at, columns, ignored = _find_header(rows)
    missing = [h for f, h in (("name", "姓名"), ("phone", "手机号")) if f not in columns]
    if missing:
        raise ApiProblem(
            422,
            "roster-no-header",
            "Columns missing",
            "The header row lacks a column the import needs.",
            errors={"file": [f"缺少“{'”“'.join(missing)}”列。"]},
        )
    report, seen_phone, captain_row = [], {}, None
    existing_captain = db.session.scalar(
        sa.select(User.display_name).where(
            User.team_id == team.id, User.team_role == "captain", User.active.is_(True)
        )
    )
    for offset, row in enumerate(rows[header_at + 1 :]):
        number = header_at + offset + 2  # as the spreadsheet numbers its rows
        values = {field: _text(row[col])[:200] if col < len(row) else "" for field, col in columns.items()}
        if not any(values.values()):
            continue  # a blank row between blocks of a township's sheet
        fields, reasons = _check_row(values)
        if fields["phone"]:
            if fields["phone"] in seen_phone:
                reasons.append(f"手机号与第 {seen_phone[fields['phone']]} 行重复")
            else:
                seen_phone[fields["phone"]] = number
        if fields["team_role"] == "captain":
            if existing_captain:
                reasons.append(f"本队已有队长（{existing_captain}）")
            elif captain_row is not None:
                reasons.append(f"第 {captain_row} 行已是队长，一个队只有一名队长")
            else:
                captain_row = number
        report.append(
            {
                "row": number,
                **fields,
                "team_role_label": ROLE_LABELS.get(fields["team_role"]),
                "read": {f: values[f] for f in READ_ONLY_FIELDS if values.get(f)},
                "reasons": reasons,
            }
        )
        if len(report) > MAX_ROWS:
            raise ApiProblem(
                422,
                "roster-too-long",
                "Too many rows",
                f"A roster may have at most {MAX_ROWS} rows.",
                errors={"file": [f"花名册最多 {MAX_ROWS} 行。"]},
            )
    phones = [r["phone"] for r in report if r["phone"]]
    taken = {}
    for start in range(0, len(phones), 500):
        chunk = phones[start : start + 500]
        stmt = sa.select(User.phone, User.display_name, User.region_id).where(User.phone.in_(chunk))
        taken.update((phone, (name, region)) for phone, name, region in db.session.execute(stmt))
    # Whose phone it is, named only when that person is within the caller's area.
    mine = scope_ids(actor) if taken else set()
    for entry in report:
        if entry["phone"] in taken:
            name, region = taken[entry["phone"]]
            who = name if region in mine else "其他地区的用户"
            entry["reasons"].append(f"手机号已登记（{who}）")
        entry["status"] = "refused" if entry["reasons"] else "taken"
    return {
        "team_id": str(team.id),
        "columns": sorted(columns, key=columns.get),
        "ignored_columns": ignored,
        "read_only_columns": [f for f in READ_ONLY_FIELDS if f in columns],
        "rows": report,
        "taken": sum(1 for r in report if r["status"] == "taken"),
        "refused": sum(1 for r in report if r["status"] == "refused"),
    }


def _username_for(phone: str) -> str:
    return "m" + phone.removeprefix("+86")


def import_roster(actor, team, raw: bytes, confirm: bool) -> dict:
    """The report; with confirm, every good row added as a member of the team (one transaction:
    the request commits once, or, on any failure, nothing)."""
    answer = check(actor, team, raw)
    answer["dry_run"] = not confirm
    answer["imported"] = 0
    if not confirm:
        return answer
    good = [r for r in answer["rows"] if r["status"] == "taken"]
    names = [_username_for(r["phone"]) for r in good]
    used = (
        set(db.session.scalars(sa.select(User.username).where(User.username.in_(names)))) if names else set()
    )
    # No password yet: the desk issues first passwords (POST /teams/<id>/first-passwords) or
    # resets one member's.
    for entry in good:
        username = _username_for(entry["phone"])
        if username in used:
            username = f"{username}-{uuid.uuid4().hex[:4]}"
        user = User(
            id=uuid.uuid4(),
            username=username,
            display_name=entry["name"],
            role="captain" if entry["team_role"] == "captain" else "member",
            region_id=team.region_id,
            phone=entry["phone"],
            password_hash=unusable_password(),
            active=True,
            must_change_password=True,
            team_id=team.id,
            team_role=entry["team_role"],
        )
        db.session.add(user)
        entry["user_id"] = str(user.id)
        entry["username"] = username
    db.session.flush()
    answer["imported"] = len(good)
    record(
        actor,
        "team.roster_import",
        "team",
        team.id,
        team.region_id,
        {"imported": len(good), "refused": answer["refused"]},
    )
    db.session.flush()
    return answer


def template() -> bytes:
    """An empty roster with the headers the import reads; a second sheet says how to fill it."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(TEMPLATE_HEADERS)
    roles = DataValidation(type="list", formula1='"队长,副队长,队员"', allow_blank=True)
    sheet.add_data_validation(roles)
    roles.add("C2:C1000")
    for col, width in zip("ABCDEF", (14, 16, 16, 14, 12, 16), strict=True):
        sheet.column_dimensions[col].width = width
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("说明")
    for line in (
        "每行一名队员，从第 2 行起填写；空行会被跳过。",
        "姓名、手机号必填；手机号为 11 位中国大陆手机号，不能与已登记的用户重复。",
        "身份/队内职务填 队长、副队长 或 队员（空着按队员）；一个队只有一名队长。",
        "出生日期、文化程度、人员类别会被读取并显示，暂不保存。",
        "导入只读第一张表；其他列会被忽略并在报告中列出。",
    ):
        notes.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
