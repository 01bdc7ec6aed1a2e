"""`flask` commands: seed the reference data, load the demo."""

from __future__ import annotations

import click
from flask import Flask

from appeals.extensions import db


def register_cli(app: Flask) -> None:
    @app.cli.command("seed")
    def seed_command() -> None:
        """Load regions, bodies, categories, routing rules, policies and holidays."""
        from appeals.reference.seed import seed_reference

        counts = seed_reference()
        db.session.commit()
        click.echo("Seeded: " + ", ".join(f"{n} {name}" for name, n in counts.items()))

    @app.cli.command("demo")
    def demo_command() -> None:
        """Create one account per role and demo appeals in every state (once)."""
        from appeals.demo import load_demo

        accounts = load_demo()
        db.session.commit()
        click.echo("Demo accounts (e-mail / password / role):")
        for email, password, role in accounts:
            click.echo(f"  {email:28} {password:12} {role}")
