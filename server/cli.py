"""Flask CLI commands: demo-data, create-user."""

import click
from flask import Flask, current_app


def register_cli(app: Flask) -> None:
    @app.cli.command("demo-data")
    def demo_data():
        """Load the demo county (idempotent). Refused in a production config."""
        if not current_app.config["LOAD_DEMO_DATA_ALLOWED"]:
            raise click.ClickException("demo data never loads in a production config")
        from .demo.load import load_demo

        counts = load_demo()
        click.echo("demo data ready: " + ", ".join(f"{k}={v}" for k, v in counts.items()))

    @app.cli.command("purge-shelters")
    def purge_shelters():
        """Erase evacuees' names and phones SHELTER_RETENTION_DAYS after their shelter closed."""
        from .extensions import db
        from .shelters.checkins import purge_personal_data

        count = purge_personal_data()
        db.session.commit()
        click.echo(f"purged the names and phones of {count} check-ins")

    @app.cli.command("create-user")
    @click.option("--username", required=True)
    @click.option("--display-name", required=True)
    @click.option("--role", required=True)
    @click.option("--region-code", required=True)
    @click.option("--phone", default=None)
    @click.password_option()
    def create_user(username, display_name, role, region_code, phone, password):
        """Create a user (the first administrator of a new deployment, say)."""
        import sqlalchemy as sa
        from marshmallow import ValidationError

        from .accounts.models import User
        from .accounts.passwords import hash_password
        from .accounts.schemas import UserCreateSchema
        from .extensions import db
        from .regions.models import Region

        region = db.session.scalar(sa.select(Region).where(Region.code == region_code))
        if region is None:
            raise click.ClickException(f"no region with code {region_code}")
        try:
            data = UserCreateSchema().load(
                {
                    "username": username,
                    "password": password,
                    "display_name": display_name,
                    "role": role,
                    "region_id": region.id,
                    "phone": phone,
                }
            )
        except ValidationError as exc:
            raise click.ClickException(str(exc.messages)) from None
        if db.session.scalar(sa.select(User.id).where(User.username == username)):
            raise click.ClickException("username taken")
        data["password_hash"] = hash_password(data.pop("password"))
        db.session.add(User(**data))
        db.session.commit()
        click.echo(f"created {username}")

    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
    @click.option("--interval", default=1.0, show_default=True, help="Seconds between rounds.")
    def worker(once, interval):
        """Deliver notifications (push, SMS, voice) in this process. Run one or several."""
        from .delivery.service import run_once
        from .delivery.worker import run_forever

        if once:
            click.echo(f"delivered steps: {run_once()}")
            return
        run_forever(current_app._get_current_object(), interval)  # noqa: SLF001

    @app.cli.command("vapid-keys")
    def vapid_keys():
        """Make a VAPID key pair for web push: set VAPID_PRIVATE_KEY to the private key."""
        import base64

        from cryptography.hazmat.primitives import serialization
        from py_vapid import Vapid

        vapid = Vapid()
        vapid.generate_keys()
        raw = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
        point = vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        click.echo("VAPID_PRIVATE_KEY=" + base64.urlsafe_b64encode(raw).decode().rstrip("="))
        click.echo(
            "# public key (served at /api/v1/push/vapid-public-key): "
            + base64.urlsafe_b64encode(point).decode().rstrip("=")
        )

    @app.cli.command("create-county")
    @click.option("--code", required=True)
    @click.option("--name", required=True)
    def create_county(code, name):
        """Create the root region of a new deployment."""
        from .extensions import db
        from .regions.service import create_root

        create_root(code, name)
        db.session.commit()
        click.echo(f"created {name}")
