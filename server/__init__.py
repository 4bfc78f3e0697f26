"""The application factory."""

import logging

from flask import Flask, g, request

from .config import Config, check_production, config_from_env
from .core.unit_of_work import UnitOfWorkFlask
from .errors import register_error_handlers
from .extensions import db, jwt, limiter, migrate


def create_app(config: type[Config] | dict | None = None) -> Flask:
    # Its dispatch_request is the one commit point of a REST request (core/unit_of_work.py).
    app = UnitOfWorkFlask(__name__, instance_relative_config=True, static_folder=None)
    app.config.from_object(config_from_env())
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    check_production(app.config)
    app.json.ensure_ascii = False
    # Keys in the order the schemas give them; sorting a 500-op answer is measurable work.
    app.json.sort_keys = False
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # flask-limiter logs the limited key at INFO: that is a username or an address.
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_root() / "migrations"))
    jwt.init_app(app)
    limiter.init_app(app)
    with app.app_context():
        from .db_setup import configure_engine

        configure_engine(db.engine)

    from .web import serve_shell

    register_error_handlers(app, shell=serve_shell)
    _register_models()
    _register_blueprints(app)

    @app.before_request
    def _device():
        device = request.headers.get("X-Device-Id", "")
        g.device_id = device[:64] if device else None

    from .cli import register_cli

    register_cli(app)
    return app


def _root():
    from .config import ROOT

    return ROOT


def _register_models() -> None:
    from .accounts import models as _a  # noqa: F401
    from .attendance import models as _at  # noqa: F401
    from .core import audit as _c  # noqa: F401
    from .core import changes as _ch  # noqa: F401
    from .delivery import models as _dl  # noqa: F401
    from .disasters import models as _ds  # noqa: F401
    from .dispatch import models as _d  # noqa: F401
    from .equipment import models as _eq  # noqa: F401
    from .media import models as _m  # noqa: F401
    from .regions import models as _r  # noqa: F401
    from .reports import models as _rp  # noqa: F401
    from .residents import models as _res  # noqa: F401
    from .shelters import models as _s  # noqa: F401
    from .subsidy import models as _sb  # noqa: F401
    from .sync import models as _sy  # noqa: F401
    from .teams import insurance_models as _ti  # noqa: F401
    from .teams import models as _t  # noqa: F401
    from .teams import profile_models as _tp  # noqa: F401
    from .training import models as _tr  # noqa: F401
    from .warnings import models as _w  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from .accounts import service as accounts
    from .accounts.routes import bp as accounts_bp
    from .attendance.routes import bp as attendance_bp
    from .audit.routes import bp as audit_bp
    from .delivery import service as delivery
    from .delivery.routes import bp as delivery_bp
    from .disasters import supervision as disaster_supervision
    from .disasters.routes import bp as disasters_bp
    from .dispatch import service as dispatch
    from .dispatch.routes import bp as dispatch_bp
    from .equipment import service as equipment
    from .equipment.routes import bp as equipment_bp
    from .mapview.routes import bp as mapview_bp
    from .media import service as media
    from .media.routes import bp as media_bp
    from .regions.routes import bp as regions_bp
    from .reports import service as reports
    from .reports import supervision as report_supervision
    from .reports.routes import bp as reports_bp
    from .reports.stats_routes import bp as report_stats_bp
    from .residents import audience as resident_audience
    from .residents import sender as resident_sender
    from .residents import service as residents
    from .residents.page import bp as resident_page_bp
    from .residents.routes import bp as residents_bp
    from .shelters import checkins as shelter_checkins
    from .shelters import fill as shelter_fill
    from .shelters.poster_routes import bp as shelter_poster_bp
    from .shelters.public_page import bp as shelter_page_bp
    from .shelters.routes import bp as shelters_bp
    from .shelters.summary_routes import bp as shelter_summary_bp
    from .subsidy.routes import bp as subsidy_bp
    from .sync.routes import bp as sync_bp
    from .teams import insurance as team_insurance
    from .teams import rules as team_rules
    from .teams import service as teams
    from .teams.insurance_routes import bp as team_insurance_bp
    from .teams.profile_routes import bp as team_profiles_bp
    from .teams.routes import bp as teams_bp
    from .training.routes import bp as training_bp
    from .warnings import reach as warning_reach
    from .warnings import service as warnings_service
    from .warnings import supervision as warning_supervision
    from .warnings.link_page import bp as warning_link_bp
    from .warnings.routes import bp as warnings_bp
    from .web import bp as web_bp

    for bp in (
        accounts_bp,
        regions_bp,
        teams_bp,
        team_profiles_bp,
        team_insurance_bp,
        equipment_bp,
        training_bp,
        shelters_bp,
        shelter_poster_bp,
        shelter_summary_bp,
        # /s/<code>, the poster's page: before the app shell's catch-all.
        shelter_page_bp,
        # /r, the residents' subscription page: before the app shell's catch-all too.
        resident_page_bp,
        residents_bp,
        # /w/<token>, the warning SMS's one-tap page: before the app shell's catch-all too.
        warning_link_bp,
        warnings_bp,
        reports_bp,
        disasters_bp,
        report_stats_bp,
        attendance_bp,
        dispatch_bp,
        mapview_bp,
        delivery_bp,
        subsidy_bp,
        media_bp,
        sync_bp,
        audit_bp,
        web_bp,
    ):
        app.register_blueprint(bp)
    # An SMS reply or key press answers an order: delivery hands it to the dispatch domain.
    delivery.register_responder("dispatch", dispatch.respond_by_reply)
    delivery.register_sweeper(dispatch.sweep)
    # Evacuees' names and phones are erased SHELTER_RETENTION_DAYS after their shelter closes.
    delivery.register_sweeper(shelter_checkins.sweep)
    # A shelter at 90 % or full is told to the desk by push, then SMS, and never by a call.
    delivery.register_quiet(shelter_fill.KIND)
    # A village's late initial report (初报): its officers, then the township desk; a notice.
    delivery.register_sweeper(disaster_supervision.sweep)
    delivery.register_quiet(disaster_supervision.KIND)
    # A hazard report's node: reminded before and at its deadline, then escalated up the
    # region tree (督办); notices, so push then SMS and no call.
    delivery.register_sweeper(report_supervision.sweep)
    delivery.register_quiet(report_supervision.KIND)
    # Recruiting rules: every team checked again on the first worker round of each China day.
    delivery.register_sweeper(team_rules.sweep)
    # ... and whenever a team's people change, by any service, before the change commits.
    team_rules.watch_team_changes()
    # Members' accident insurance: the desk and the captain told 30 days before a member's cover
    # ends and on the day it lapses, once per policy and threshold; notices, so no call.
    delivery.register_sweeper(team_insurance.sweep)
    delivery.register_quiet(team_insurance.KIND)
    delivery.register_push_payload(team_insurance.KIND, team_insurance.push_payload)
    # Residents subscribed to warnings: their codes and warnings are sent by this sweeper, and
    # TD / 退订 to any SMS stops them (asked before a reply is read as an answer).
    delivery.register_sweeper(resident_sender.sweep)
    delivery.register_inbound(residents.inbound)
    # Warnings: responsible persons answer by SMS reply or key press; the others of the area get
    # a notice (push, then SMS); the silent are reminded once, then reported to the desk.
    # Only 收到 / 1 / 好 / OK acknowledges; 2, 拒绝 or other words are kept for the desk.
    delivery.register_responder(
        warning_reach.KIND,
        warnings_service.ack_by_reply,
        words=warnings_service.read_reply,
        other=warnings_service.reply_not_ack,
    )
    delivery.register_quiet(warning_reach.NOTICE)
    delivery.register_push_payload(warning_reach.KIND, warning_reach.push_payload)
    delivery.register_push_payload(warning_reach.NOTICE, warning_reach.push_payload)
    delivery.register_sweeper(warning_supervision.sweep)
    # Each issued warning, update and cancel goes to the residents subscribed in its area too.
    warnings_service.register_audience(resident_audience.AUDIENCE)
    # Lower floors ask the ones above through these, never by importing them (tests/test_layers.py).
    delivery.register_directory(accounts.phones_of, accounts.active_user_by_phone)
    accounts.register_team_region(teams.team_region)
    media.register_attachments(reports.media_regions)
    # Photos of damage found when an item came back from an order.
    media.register_attachments(equipment.media_regions)
