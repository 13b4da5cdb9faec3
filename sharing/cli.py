"""Command-line commands (``flask --app wsgi <command>``)."""
from __future__ import annotations

import click
from flask import current_app, g
from sqlalchemy import select

from sharing.extensions import db


def register_cli(app) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(demo)
    app.cli.add_command(scheduler)


@click.command("create-admin")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", default="Administrator", show_default=True)
@click.option("--unit-id", type=int, help="Unit of the account (default: the platform's operating unit).")
def create_admin(email, password, name, unit_id):
    """Create an admin account, or reset the password of an existing one and make it admin."""
    from sharing.accounts.models import User
    from sharing.accounts.passwords import hash_password
    from sharing.accounts.services import MIN_PASSWORD_LENGTH, normalise_email
    from sharing.roles import Role
    from sharing.units.models import Unit

    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.BadParameter(f"at least {MIN_PASSWORD_LENGTH} characters", param_hint="--password")
    email = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        unit = db.session.get(Unit, unit_id) if unit_id else operating_unit()
        if unit is None:
            raise click.BadParameter("no such unit", param_hint="--unit-id")
        user = User(email=email, name=name, unit_id=unit.id, password_hash="", active=True)
        db.session.add(user)
        action = "created"
    else:
        action = "updated"
    user.password_hash = hash_password(password)
    user.active = True
    user.roles = set(user.roles) | {Role.ADMIN.value}
    db.session.commit()
    click.echo(f"Admin {email} {action}.")


def operating_unit():
    """The unit that runs the platform; created on first need."""
    from sharing.units.models import Unit

    unit = db.session.scalar(select(Unit).where(Unit.name == OPERATOR_NAME))
    if unit is None:
        unit = Unit(name=OPERATOR_NAME, short_name="平台中心", kind="other", city="沈阳", in_cluster=True)
        db.session.add(unit)
        db.session.flush()
    return unit


OPERATOR_NAME = "实验室群大型仪器共享平台管理中心"


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (but print the logins) when data exists.")
def demo(if_empty):
    """Load a demo province into an empty database and print the demo logins."""
    from sharing.demo import DEMO_PASSWORD, demo_logins, load_demo, database_is_empty

    if not database_is_empty():
        if not if_empty:
            raise click.ClickException("The database already has data; the demo loads only into an empty one.")
        click.echo("Demo data already present.")
    else:
        g.actor_id = None
        summary = load_demo()
        click.echo("Demo data loaded: " + ", ".join(f"{v} {k}" for k, v in summary.items()))
    click.echo(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in demo_logins():
        click.echo(f"  {role:<11} {email}")


@click.command("scheduler")
def scheduler():
    """Run the scheduled jobs in the foreground (Ctrl-C stops)."""
    from sharing.scheduler import run_forever

    run_forever(current_app._get_current_object())
