"""Command-line interface: `flask --app run roles sync` and `flask --app run demo seed`.

These names and options are a stable interface for operators and scripts (README)."""
import functools

import click
from flask import current_app
from flask.cli import AppGroup

from app.core import clock
from app.core.backup import backup_cli
from app.core.formatting import parse_date


def register_cli(app):
    app.cli.add_command(roles_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(backup_cli)


def _day(ctx, param, value):
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise click.BadParameter("typ dd-mm-jjjj, bijvoorbeeld 01-12-2026") from None


def today_option(command):
    """``--today dd-mm-jjjj``: the command runs as on that day (the one clock is moved for it, app.core.clock)
    and receives the day as ``today``; without it, the real clock and ``today=None``."""
    @click.option("--today", "today", default=None, metavar="DD-MM-JJJJ", callback=_day,
                  help="Voer de opdracht uit alsof het deze dag is (dd-mm-jjjj).")
    @functools.wraps(command)
    def run(*args, today=None, **kwargs):
        if today is None:
            return command(*args, today=None, **kwargs)
        with clock.moved_to(today):
            return command(*args, today=today, **kwargs)
    return run


roles_cli = AppGroup("roles", help="Rollen en rechten.")
demo_cli = AppGroup("demo", help="Demonstratiegegevens.")


@roles_cli.command("sync")
def roles_sync():
    """Make roles and permissions in the database match app/security/roles.py (idempotent)."""
    from app.security.sync import sync_roles

    changes = sync_roles(current_app.appbuilder)
    click.echo(f"Rollen gesynchroniseerd: {changes} wijziging(en).")


@demo_cli.command("seed")
@click.option("--companies", default=300, show_default=True, help="Aantal bedrijven.")
@click.option("--employees", default=3000, show_default=True, help="Aantal werknemers.")
@click.option("--password", default=None, help="Wachtwoord van de demo-gebruikers.")
@click.option("--reset", is_flag=True, help="Eerst alle bestaande gegevens wissen.")
@click.option("--seed", "random_seed", default=2026, show_default=True, help="Startwaarde van de generator.")
@today_option
def demo_seed(companies, employees, password, reset, random_seed, today):
    """Build deterministic Dutch demo data and one user per role (as on 01-11-2026, or on --today)."""
    from app.demo import DEFAULT_PASSWORD, TODAY, seed_demo

    password = password or DEFAULT_PASSWORD
    result = seed_demo(companies=companies, employees=employees, password=password, reset=reset,
                       random_seed=random_seed, progress=click.echo, today=today or TODAY)
    click.echo(result.summary())
    click.echo("")
    click.echo(f"Inloggen op http://127.0.0.1:5000 met wachtwoord '{password}' als:")
    for email, role in result.logins:
        click.echo(f"  {email:45s} {role}")
