"""Command-line interface: `flask --app run roles sync` and `flask --app run demo seed`.

These names and options are a stable interface for operators and scripts (README)."""
import click
from flask import current_app
from flask.cli import AppGroup

from app.core.backup import backup_cli


def register_cli(app):
    app.cli.add_command(roles_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(backup_cli)


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
def demo_seed(companies, employees, password, reset, random_seed):
    """Build deterministic Dutch demo data and one user per role."""
    from app.demo import DEFAULT_PASSWORD, seed_demo

    password = password or DEFAULT_PASSWORD
    result = seed_demo(companies=companies, employees=employees, password=password, reset=reset,
                       random_seed=random_seed, progress=click.echo)
    click.echo(result.summary())
    click.echo("")
    click.echo(f"Inloggen op http://127.0.0.1:5000 met wachtwoord '{password}' als:")
    for email, role in result.logins:
        click.echo(f"  {email:45s} {role}")
