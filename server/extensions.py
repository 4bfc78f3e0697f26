"""The Flask extensions, created unbound so every module can import them."""

from flask_jwt_extended import JWTManager
from flask_jwt_extended.config import config as jwt_config
from flask_jwt_extended.default_callbacks import default_decode_key_callback
from flask_jwt_extended.tokens import _decode_jwt
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from jwt import ExpiredSignatureError, get_unverified_header
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)


class _JWTManager(JWTManager):
    """flask-jwt-extended parses each token three times (claims unverified, header unverified,
    then verified) only to hand the first two to a decode-key callback; ours is the default one,
    which ignores them. So: one verified decode, the same checks, the same errors; the unverified
    parts only on the expired path (its error carries them) or if a key callback is ever set."""

    def _decode_jwt_from_config(
        self, encoded_token: str, csrf_value=None, allow_expired: bool = False
    ) -> dict:
        if self._decode_key_callback is not default_decode_key_callback:
            return super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        kwargs = {
            "algorithms": jwt_config.decode_algorithms,
            "audience": jwt_config.decode_audience,
            "csrf_value": csrf_value,
            "encoded_token": encoded_token,
            "identity_claim_key": jwt_config.identity_claim_key,
            "issuer": jwt_config.decode_issuer,
            "leeway": jwt_config.leeway,
            "secret": jwt_config.decode_key,
            "verify_aud": jwt_config.decode_audience is not None,
            "verify_sub": jwt_config.verify_sub,
        }
        try:
            return _decode_jwt(**kwargs, allow_expired=allow_expired)
        except ExpiredSignatureError as e:
            e.jwt_header = get_unverified_header(encoded_token)  # type: ignore[attr-defined]
            e.jwt_data = _decode_jwt(**kwargs, allow_expired=True)  # type: ignore[attr-defined]
            raise


jwt = _JWTManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
