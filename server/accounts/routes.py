"""Auth, /me and user administration."""

from flask import Blueprint, g, jsonify, request
from flask_jwt_extended import (
    current_user,
    get_csrf_token,
    get_jwt,
    set_access_cookies,
    set_refresh_cookies,
    unset_jwt_cookies,
    verify_jwt_in_request,
)
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt.exceptions import PyJWTError

from ..core.http import json_body, no_store, page_answer
from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import load_query
from ..errors import ApiProblem
from ..extensions import limiter
from . import auth, service
from .passwords import verify_password
from .schemas import (
    LoginSchema,
    MeUpdateSchema,
    PasswordResetSchema,
    RefreshSchema,
    TokensSchema,
    UserCreateSchema,
    UserQuerySchema,
    UserSchema,
    UserUpdateSchema,
)

bp = Blueprint("accounts", __name__, url_prefix="/api/v1")


def _login_username_key() -> str:
    data = request.get_json(silent=True)
    name = data.get("username") if isinstance(data, dict) else None
    return "login-user:" + (str(name)[:64].lower() if name else "-")


def _login_limit():
    from flask import current_app

    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_address_limit():
    from flask import current_app

    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def _token_answer(user, tokens, status=200):
    # The CSRF values are no credential (useless without the httpOnly cookie); the PWA's service
    # worker cannot read cookies, so it learns them here to send the double-submit header.
    csrf = {
        "csrf_access_token": get_csrf_token(tokens["access_token"]),
        "csrf_refresh_token": get_csrf_token(tokens["refresh_token"]),
    }
    resp = jsonify({**tokens, **csrf, "user": UserSchema().dump(user)})
    resp.status_code = status
    # The PWA keeps its tokens in httpOnly cookies; API clients use the JSON body.
    set_access_cookies(resp, tokens["access_token"])
    set_refresh_cookies(resp, tokens["refresh_token"])
    return resp


@bp.post("/auth/login")
@limiter.limit(_login_limit, key_func=_login_username_key)
@limiter.limit(_login_address_limit)
@doc("Log in; answers tokens and sets httpOnly cookies", body=LoginSchema, response=TokensSchema, public=True)
def login():
    data = LoginSchema().load(json_body())
    device = data.get("device_id") or request.headers.get("X-Device-Id")
    user, tokens = auth.login(data["username"], data["password"], device)
    return _token_answer(user, tokens)


@bp.post("/auth/refresh")
@doc(
    "Swap a refresh token (Bearer, cookie or JSON refresh_token) for a new pair; the old one dies",
    body=RefreshSchema,
    response=TokensSchema,
    public=True,
)
def refresh():
    if request.is_json:
        RefreshSchema().load(json_body())
    verify_jwt_in_request(refresh=True, locations=["headers", "cookies", "json"])
    user, tokens = auth.refresh(get_jwt())
    return _token_answer(user, tokens)


@bp.post("/auth/logout")
@doc("End this device's session and clear its cookies", public=True, status=204)
def logout():
    try:
        verify_jwt_in_request(verify_type=False, locations=["headers", "cookies", "json"])
        auth.logout(get_jwt())
    except (JWTExtendedException, PyJWTError, ApiProblem):
        pass  # an already dead session still gets its cookies cleared
    resp = jsonify({})
    resp.status_code = 204
    unset_jwt_cookies(resp)
    return resp


@bp.get("/me")
@requires("me.read")
@doc("The signed-in user", response=UserSchema)
def me():
    return UserSchema().dump(current_user)


@bp.patch("/me")
@requires("me.update")
@doc("Change one's own name, phone or password", body=MeUpdateSchema, response=UserSchema)
def update_me():
    data = MeUpdateSchema().load(json_body())
    if "password" in data:
        if not verify_password(current_user.password_hash, data.pop("current_password", "") or ""):
            raise ApiProblem(
                422,
                "validation",
                "Invalid input",
                errors={"current_password": ["The current password is wrong."]},
            )
    data.pop("current_password", None)
    user = service.update_user(current_user, current_user.id, data)
    return UserSchema().dump(user)


@bp.get("/users")
@requires("users.read")
@doc(
    "Users of the caller's region and below",
    response=UserSchema,
    many=True,
    query=UserQuerySchema,
)
def list_users():
    args = load_query(UserQuerySchema(), request.args)
    return page_answer(service.list_users(g.user, args), UserSchema())


@bp.post("/users")
@requires("users.manage")
@doc("Create a user in the caller's region or below", body=UserCreateSchema, response=UserSchema, status=201)
def create_user():
    user = service.create_user(g.user, UserCreateSchema().load(json_body()))
    return UserSchema().dump(user), 201


@bp.get("/users/<uuid:user_id>")
@requires("users.read")
@doc("One user", response=UserSchema)
def get_user(user_id):
    return UserSchema().dump(service.get_user(g.user, user_id))


@bp.patch("/users/<uuid:user_id>")
@requires("users.manage")
@doc(
    "Change or deactivate a user (active=false ends their sessions at once)",
    body=UserUpdateSchema,
    response=UserSchema,
)
def update_user(user_id):
    user = service.update_user(g.user, user_id, UserUpdateSchema().load(json_body()))
    return UserSchema().dump(user)


@bp.post("/users/<uuid:user_id>/reset-password")
@requires("users.manage")
@doc(
    "Give a user a temporary password (answered once); their sessions end and their next login "
    "must choose a new one (must_change_password)",
    response=PasswordResetSchema,
)
@no_store
def reset_password(user_id):
    user, password = service.reset_password(g.user, user_id)
    return {"user": UserSchema().dump(user), "temporary_password": password}
