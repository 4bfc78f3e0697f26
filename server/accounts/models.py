"""Users and their device sessions (one per login; refresh tokens rotate within it)."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import Timestamps, UTCDateTime, UUIDPk
from ..extensions import db


class User(UUIDPk, Timestamps, db.Model):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    role: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    # Set by an administrator's password reset: the next login must choose a new password.
    must_change_password: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    team_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    # captain, vice_captain or member within the team (the source: 队长, 副队长, 队员).
    team_role: Mapped[str | None] = mapped_column(sa.String(20))

    region = relationship("Region", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(
            "role IN ('admin','duty_officer','captain','member','info_officer','shelter_manager')",
            name="role",
        ),
    )


class AuthSession(UUIDPk, db.Model):
    """A logged-in device. Revoking it ends every token it was given."""

    __tablename__ = "auth_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    device_id: Mapped[str | None] = mapped_column(sa.String(64))
    refresh_jti: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    previous_jti: Mapped[str | None] = mapped_column(sa.String(64))
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(sa.String(40))

    user = relationship("User", lazy="joined")
