"""Login, rotating refresh, logout, and the token checks flask-jwt-extended calls."""

import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token

from ..core.audit import record
from ..core.models import utcnow
from ..errors import ApiProblem
from ..extensions import db, jwt
from .models import AuthSession, User
from .passwords import hash_password, needs_rehash, verify_password


def bad_credentials() -> ApiProblem:
    return ApiProblem(
        401, "bad-credentials", "Wrong username or password", "用户名或密码错误 / Wrong username or password."
    )


def _issue(session: AuthSession, user: User) -> dict:
    claims = {"sid": str(session.id), "role": user.role}
    access = create_access_token(identity=str(user.id), additional_claims=claims)
    refresh = create_refresh_token(identity=str(user.id), additional_claims={"sid": str(session.id)})
    session.refresh_jti = decode_token(refresh, allow_expired=True)["jti"]
    return {"access_token": access, "refresh_token": refresh}


def login(username: str, password: str, device_id: str | None) -> tuple[User, dict]:
    user = db.session.scalar(sa.select(User).where(User.username == username))
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        raise bad_credentials()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    now = utcnow()
    session = AuthSession(
        id=uuid.uuid4(),
        user_id=user.id,
        device_id=device_id,
        refresh_jti="",
        created_at=now,
        last_used_at=now,
    )
    db.session.add(session)
    tokens = _issue(session, user)
    record(user, "auth.login", "user", user.id, user.region_id)
    db.session.flush()
    return user, tokens


def _lock_session(sid) -> AuthSession | None:
    stmt = sa.select(AuthSession).where(AuthSession.id == sid)
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=AuthSession)
    return db.session.scalar(stmt)


def refresh(claims: dict) -> tuple[User, dict]:
    """Rotate: the presented refresh token must be the session's newest (or, within a short
    grace, the one just before, when a page and its service worker refreshed at once).
    Anything older means the token was copied: the whole session is revoked."""
    try:
        sid = uuid.UUID(claims.get("sid", ""))
    except ValueError:
        raise ApiProblem(401, "token-invalid", "Invalid token", "Log in again.") from None
    session = _lock_session(sid)
    if session is None or session.revoked_at is not None or not session.user.active:
        raise ApiProblem(401, "token-revoked", "Session ended", "登录已失效，请重新登录 / Log in again.")
    jti = claims["jti"]
    now = utcnow()
    grace = timedelta(seconds=current_app.config["REFRESH_REUSE_GRACE_S"])
    fresh = jti == session.refresh_jti
    raced = (
        jti == session.previous_jti and session.rotated_at is not None and now - session.rotated_at <= grace
    )
    if not (fresh or raced):
        session.revoked_at = now
        session.revoked_reason = "refresh-reuse"
        record(session.user, "auth.refresh_reuse", "user", session.user_id, session.user.region_id)
        db.session.flush()
        raise ApiProblem(
            401,
            "refresh-reuse",
            "Session ended",
            "This sign-in was used from elsewhere and has been ended; log in again.",
            keep_changes=True,  # the revocation stands although the answer is a refusal
        )
    if fresh:
        session.previous_jti = session.refresh_jti
        session.rotated_at = now
    session.last_used_at = now
    tokens = _issue(session, session.user)
    db.session.flush()
    return session.user, tokens


def logout(claims: dict) -> None:
    try:
        sid = uuid.UUID(claims.get("sid", ""))
    except ValueError:
        return
    session = _lock_session(sid)
    if session is not None and session.revoked_at is None:
        session.revoked_at = utcnow()
        session.revoked_reason = "logout"
        record(session.user, "auth.logout", "user", session.user_id, session.user.region_id)
    db.session.flush()


def revoke_all(user_id) -> None:
    db.session.execute(
        sa.update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason="deactivated")
    )


def _session_for(jwt_payload) -> AuthSession | None:
    cached = g.get("_auth_session")
    if cached is not None and str(cached.id) == jwt_payload.get("sid"):
        return cached
    try:
        sid = uuid.UUID(jwt_payload.get("sid", ""))
    except ValueError:
        return None
    session = db.session.get(AuthSession, sid)
    g._auth_session = session
    return session


@jwt.token_in_blocklist_loader
def _is_revoked(_header, payload) -> bool:
    session = _session_for(payload)
    return (
        session is None
        or session.revoked_at is not None
        or not session.user.active
        or str(session.user_id) != payload.get("sub")
    )


@jwt.user_lookup_loader
def _load_user(_header, payload):
    session = _session_for(payload)
    return session.user if session is not None else None


def _problem(slug: str, title: str, detail: str, status: int = 401):
    from ..errors import problem_response

    return problem_response(ApiProblem(status, slug, title, detail))


@jwt.unauthorized_loader
def _missing(reason: str):
    slug = "csrf" if "CSRF" in reason else "unauthorized"
    return _problem(slug, "Not logged in", "请先登录 / Log in first. " + reason)


@jwt.invalid_token_loader
def _invalid(reason: str):
    return _problem("token-invalid", "Invalid token", "请重新登录 / Log in again.")


@jwt.expired_token_loader
def _expired(_header, _payload):
    return _problem("token-expired", "Token expired", "Refresh the token or log in again.")


@jwt.revoked_token_loader
def _revoked(_header, _payload):
    return _problem("token-revoked", "Session ended", "登录已失效，请重新登录 / Log in again.")


@jwt.user_lookup_error_loader
def _no_user(_header, _payload):
    return _problem("token-revoked", "Session ended", "登录已失效，请重新登录 / Log in again.")


@jwt.needs_fresh_token_loader
def _needs_fresh(_header, _payload):
    return _problem("fresh-login", "Log in again", "This action needs a fresh login.")
