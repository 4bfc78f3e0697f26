"""Load the demo data; running it again changes nothing that exists."""

import uuid
from datetime import timedelta

import sqlalchemy as sa

from ..accounts.models import User
from ..accounts.passwords import hash_password
from ..core.changes import Change
from ..core.models import utcnow
from ..disasters import service as disasters
from ..disasters.models import DisasterEvent
from ..disasters.schemas import SituationReportCreateSchema
from ..extensions import db
from ..regions.models import Region
from ..regions.service import create_root
from ..reports import lifecycle
from ..reports import service as reports
from ..reports.models import Report
from ..reports.schemas import STEP_BODIES, ReportCreateSchema
from ..shelters.checkins import check_in
from ..shelters.codes import new_shelter_code
from ..shelters.models import Shelter
from ..shelters.service import open_or_close, publish
from ..teams.models import Team
from ..training import service as training
from ..training.models import Training
from ..training.schemas import TrainingCreateSchema
from . import data


def _families(shelter, manager) -> None:
    """A few families checked in at the shelter's kiosk."""
    for n, (name, phone, size, needs) in enumerate(data.SHELTER_FAMILIES):
        family = {"id": uuid.uuid5(uuid.NAMESPACE_URL, f"demo-shelter-family-{n}"), "name": name}
        check_in(
            manager, shelter, {**family, "phone": phone, "household_size": size, "needs": needs}, "kiosk"
        )


def _name(i: int) -> str:
    return (
        data.SURNAMES[i % len(data.SURNAMES)]
        + data.GIVEN[(i * 2) % len(data.GIVEN)]
        + data.GIVEN[(i * 2 + 1) % len(data.GIVEN)]
    )


def _phone(i: int) -> str:
    return f"+8613800{i:06d}"


def _region(code, name, level, lat, lon, parent: Region | None) -> Region:
    region = db.session.scalar(sa.select(Region).where(Region.code == code))
    if region is not None:
        return region
    if parent is None:
        return create_root(code, name, lat, lon)
    region = Region(code=code, name=name, level=level, lat=lat, lon=lon, parent_id=parent.id)
    db.session.add(region)
    db.session.flush()
    region.path = f"{parent.path}{region.id}/"
    return region


class _Users:
    """Creates users once, hashing the shared demo password only once."""

    def __init__(self):
        self.hash = hash_password(data.PASSWORD)
        self.count = 0
        self.by_name: dict[str, User] = {}

    def ensure(self, username, display_name, role, region, team=None, team_role=None) -> User:
        user = db.session.scalar(sa.select(User).where(User.username == username))
        self.count += 1
        if user is not None:
            self.by_name[username] = user
            return user
        user = User(
            username=username,
            display_name=display_name,
            role=role,
            region_id=region.id,
            phone=_phone(self.count),
            password_hash=self.hash,
            active=True,
            team_id=team.id if team else None,
            team_role=team_role,
        )
        db.session.add(user)
        db.session.flush()
        self.by_name[username] = user
        return user


def _team(region: Region) -> Team:
    team = db.session.scalar(sa.select(Team).where(Team.region_id == region.id))
    if team is None:
        team = Team(name=f"{region.name}综合应急救援队", region_id=region.id)
        db.session.add(team)
        db.session.flush()
    return team


def _demo_id(what: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"demo-{what}")


def _reports(townships, users_by_name, now) -> None:
    """A few hazard reports, each taken through its steps by its township's duty officer."""
    for key, reporter, category, description, (dlat, dlon), steps in data.REPORTS:
        report_id = _demo_id(f"report-{key}")
        if db.session.get(Report, report_id) is not None:
            continue
        author = users_by_name[reporter]
        village = db.session.get(Region, author.region_id)
        body = {
            "id": str(report_id),
            "category": category,
            "description": description,
            "location": {"lat": village.lat + dlat, "lon": village.lon + dlon},
        }
        reports.create_report(author, ReportCreateSchema().load(body), now)
        town_index = next(i for i, t in enumerate(townships) if village.path.startswith(t.path))
        desk = users_by_name[f"town{town_index + 1}"]
        for n, step in enumerate(steps):
            kind, _, arg = step.partition(":")
            fields = {"id": str(_demo_id(f"report-{key}-step-{n}")), "report_id": str(report_id)}
            if kind == "verify":
                fields["severity"] = arg
            if kind == "assign":
                fields["responsible_unit"] = arg
            data_in = STEP_BODIES[kind]().load({k: v for k, v in fields.items() if k != "report_id"})
            getattr(lifecycle, kind)(desk, {**data_in, "report_id": report_id}, now)


def _disaster(county, users_by_name, now) -> None:
    """The county's typhoon event, and 城东村's initial report (初报) in it."""
    if db.session.scalar(
        sa.select(DisasterEvent.id).where(DisasterEvent.name == data.DISASTER_EVENT["name"])
    ):
        return
    event = disasters.open_event(
        users_by_name["duty"], {**data.DISASTER_EVENT, "region_ids": [county.id], "opened_at": None}, now
    )
    officer = users_by_name["officer1"]
    body = {
        "id": str(_demo_id("situation-report-1")),
        "kind": "initial",
        "region_id": officer.region_id,
        **data.INITIAL_REPORT,
    }
    filed = SituationReportCreateSchema().load(body)
    disasters.file_report(officer, {**filed, "event_id": event.id}, now)


def _drill(users_by_name, now) -> None:
    """A flood-rescue drill (模拟演练) of 临城镇's team the day after the demo loads, its captain
    and six members expected: what the captain's 培训演练 screen opens on."""
    captain = users_by_name["captain1"]
    if db.session.scalar(sa.select(Training.id).where(Training.team_id == captain.team_id).limit(1)):
        return
    start = (now + timedelta(days=1)).replace(hour=1, minute=0, second=0, microsecond=0)  # 09:00 China
    body = {
        "kind": "exercise",
        "title": "防汛抢险救援模拟演练",
        "place": "临城镇水库大坝下游河滩",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=3)).isoformat(),
        "planned_hours": "3.0",
        "member_ids": [str(users_by_name[n].id) for n in ("captain1", *(f"member{m}" for m in range(1, 7)))],
    }
    training.plan(captain, captain.team_id, TrainingCreateSchema().load(body))


def load_demo(stories: bool = True) -> dict:
    """The demo county; with `stories`, also a few hazard reports along their life and a
    typhoon event with one initial report (the API tests start without them: they count)."""
    county = _region(
        data.COUNTY["code"], data.COUNTY["name"], "county", data.COUNTY["lat"], data.COUNTY["lon"], None
    )
    users = _Users()
    admin = users.ensure("admin", "县应急办管理员", "admin", county)
    users.ensure("duty", "县值班员", "duty_officer", county)
    townships = []
    for t_index, (code, name, lat, lon, villages) in enumerate(data.TOWNSHIPS, start=1):
        town = _region(code, name, "township", lat, lon, county)
        townships.append(town)
        village_regions = [_region(vc, vn, "village", vla, vlo, town) for vc, vn, vla, vlo in villages]
        users.ensure(f"town{t_index}", f"{name}值班员", "duty_officer", town)
        team = _team(town)
        if t_index == 1:
            users.ensure("captain1", _name(0), "captain", town, team, "captain")
            for m in range(1, 13):
                users.ensure(
                    f"member{m}", _name(m), "member", town, team, "vice_captain" if m == 1 else "member"
                )
        else:
            users.ensure(f"captain{t_index}", _name(t_index * 20), "captain", town, team, "captain")
            for m in range(1, 12):
                users.ensure(f"t{t_index}member{m}", _name(t_index * 20 + m), "member", town, team, "member")
        if t_index <= 2:
            users.ensure(
                f"officer{t_index}", f"{village_regions[0].name}信息员", "info_officer", village_regions[0]
            )
    manager = users.ensure("shelter1", "临城镇中心小学安置点管理员", "shelter_manager", townships[0])
    made = []
    for t_index, name, kind, capacity, area, lat, lon, address in data.SHELTERS:
        if db.session.scalar(sa.select(Shelter.id).where(Shelter.name == name)):
            continue
        shelter = Shelter(
            name=name,
            kind=kind,
            region_id=townships[t_index].id,
            code=new_shelter_code(),
            address=address,
            lat=lat,
            lon=lon,
            capacity=capacity,
            floor_area_m2=area,
            contact_phone=data.SHELTER_PHONES[len(made) % len(data.SHELTER_PHONES)],
            status="closed",
            # Per person: 3 L of water and 3 meals a day for a night and a day, a bedding set,
            # one first-aid kit for twenty.
            supply_water=capacity * 3,
            supply_food=capacity * 3,
            supply_bedding=capacity,
            supply_medicine=max(capacity // 20, 1),
        )
        if name in data.MANAGED_SHELTERS:
            shelter.managers = [manager]
        db.session.add(shelter)
        made.append((t_index, shelter))
    db.session.flush()
    # Township 1's shelters are open (a typhoon is on its way); families are in one of them.
    for t_index, shelter in made:
        if t_index == 0:
            open_or_close(manager if shelter.managers else admin, shelter.id, True)
        if shelter.name == data.FAMILIES_SHELTER:
            _families(shelter, manager)
    for shelter in db.session.scalars(sa.select(Shelter)):
        if not db.session.scalar(sa.select(Change.seq).where(Change.entity_id == str(shelter.id)).limit(1)):
            publish(shelter)
    if stories:
        now = utcnow()
        _reports(townships, users.by_name, now)
        _disaster(county, users.by_name, now)
        _drill(users.by_name, now)
    db.session.commit()
    return {
        "regions": db.session.scalar(sa.select(sa.func.count()).select_from(Region)),
        "users": db.session.scalar(sa.select(sa.func.count()).select_from(User)),
        "shelters": db.session.scalar(sa.select(sa.func.count()).select_from(Shelter)),
        "reports": db.session.scalar(sa.select(sa.func.count()).select_from(Report)),
    }
