"""Login, rotating refresh, logout, and the token checks flask-jwt-extended calls."""

import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from sqlalchemy.orm import Session

from ..core.audit import record
from ..core.models import utcnow
from ..db_setup import READ_ONLY
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
    # populate_existing: the row as it is now (locked, on PostgreSQL), whatever this session
    # read of it before: the rotation's check must see a concurrent rotation.
    stmt = sa.select(AuthSession).where(AuthSession.id == sid).execution_options(populate_existing=True)
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


def revoke_all(user_id, keep_sid: str | None = None) -> None:
    """End every open session of the user; `keep_sid`: but this one (a user changing their own
    password stays signed in on the device they changed it on)."""
    stmt = sa.update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    if keep_sid:
        try:
            stmt = stmt.where(AuthSession.id != uuid.UUID(keep_sid))
        except ValueError:
            pass
    db.session.execute(stmt.values(revoked_at=utcnow(), revoked_reason="deactivated"))


# The token's session and its user (with the user's region, joined) in one statement: no
# AuthSession object, only the one column the check needs.
_AUTH = (
    sa.select(User, AuthSession.revoked_at)
    .join(AuthSession, AuthSession.user_id == User.id)
    .where(AuthSession.id == sa.bindparam("sid"))
)


def _read_auth(sid):
    """-> (user, revoked_at) or None. Every request reads it afresh: a logout or a deactivation
    counts from the next request on. On SQLite it is read outside the request's transaction,
    on a connection that does not queue for the write lock (db_setup.READ_ONLY): one SELECT
    needs no writer's turn, and the request's transaction (which takes it) then begins only at
    its own first statement. The user is then put in the request's session as loaded."""
    if db.engine.dialect.name != "sqlite":
        return db.session.execute(_AUTH, {"sid": sid}).first()
    with db.engine.connect() as conn, Session(bind=conn.execution_options(**{READ_ONLY: True})) as reader:
        row = reader.execute(_AUTH, {"sid": sid}).first()
        if row is None:
            return None
        user, revoked_at = row
        reader.expunge_all()
    return db.session.merge(user, load=False), revoked_at


def _session_for(jwt_payload):
    """-> (user, revoked_at) of the token's session, or None; read once per request."""
    sid_text = jwt_payload.get("sid", "")
    cached = g.get("_auth_session")
    if cached is not None and cached[0] == sid_text:
        return cached[1]
    try:
        sid = uuid.UUID(sid_text)
    except ValueError:
        return None
    found = _read_auth(sid)
    g._auth_session = (sid_text, found)
    return found


@jwt.token_in_blocklist_loader
def _is_revoked(_header, payload) -> bool:
    found = _session_for(payload)
    if found is None:
        return True
    user, revoked_at = found
    return revoked_at is not None or not user.active or str(user.id) != payload.get("sub")


@jwt.user_lookup_loader
def _load_user(_header, payload):
    found = _session_for(payload)
    return found[0] if found is not None else None


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
