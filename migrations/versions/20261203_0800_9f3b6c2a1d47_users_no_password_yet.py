"""users: members imported from a roster have no password yet ("!" in password_hash)

Until now an import stored one argon2 hash of a random string for every member of the batch, so
nobody could tell them from members who were given a password. They are marked as having none
("!" and the old hash), so the desk's first passwords (POST /teams/<id>/first-passwords) find
them: still told to change their password and sharing their hash with another account (argon2's
random salt makes that happen only for an import batch). A member imported alone is not found
this way; the desk resets theirs one by one, as before.

Revision ID: 9f3b6c2a1d47
Revises: 5c1e9a7d3b20
Create Date: 2026-12-03 08:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9f3b6c2a1d47'
down_revision = '5c1e9a7d3b20'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "UPDATE users SET password_hash = '!' || password_hash "
        "WHERE must_change_password AND password_hash NOT LIKE '!%' AND password_hash IN "
        "(SELECT password_hash FROM users GROUP BY password_hash HAVING count(*) > 1)"
    )


def downgrade():
    # Back to an argon2 hash nobody knows the password of: what the import stored before.
    op.execute(
        "UPDATE users SET password_hash = substr(password_hash, 2) "
        "WHERE password_hash LIKE '!$argon2%'"
    )
