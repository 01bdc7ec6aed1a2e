"""`flask` commands: seed the reference data, load the demo, snapshot the scores and count
the score cells."""

from __future__ import annotations

import click
from flask import Flask

from appeals.demo import load_demo
from appeals.extensions import db
from appeals.reference.seed import seed_reference
from appeals.scores.cells import build_cells
from appeals.scores.snapshots import previous_month, snapshot_month
from appeals.suggest.service import retrain
from appeals.timeutil import local_today


def register_cli(app: Flask) -> None:
    @app.cli.command("seed")
    def seed_command() -> None:
        """Load regions, bodies, categories, routing rules, policies and holidays."""
        counts = seed_reference()
        db.session.commit()
        click.echo("Seeded: " + ", ".join(f"{n} {name}" for name, n in counts.items()))

    @app.cli.command("demo")
    def demo_command() -> None:
        """Create one account per role and demo appeals in every state (once)."""
        accounts = load_demo()
        db.session.commit()
        click.echo("Demo accounts (e-mail / password / role):")
        for email, password, role in accounts:
            click.echo(f"  {email:28} {password:12} {role}")

    @app.cli.command("train-suggester")
    def train_suggester_command() -> None:
        """Train the category suggestion on the answered appeals (and the generated corpus)."""
        report = retrain()
        click.echo(
            f"Category suggester saved to {report.path}: {report.from_appeals} appeals, "
            f"{report.generated} generated examples, {len(report.categories)} categories, "
            f"{report.seconds} s."
        )

    scores = click.Group("scores", help="Body scores.")
    app.cli.add_command(scores)

    @scores.command("snapshot")
    @click.option(
        "--month", "month_text", help="YYYY-MM; the month that has just closed by default."
    )
    def snapshot_command(month_text: str | None) -> None:
        """Compute and store the scores of one month (idempotent)."""
        if month_text:
            try:
                year, month = (int(part) for part in month_text.split("-"))
                if not 1 <= month <= 12:
                    raise ValueError
            except ValueError:
                raise click.BadParameter("write the month as YYYY-MM, e.g. 2026-03") from None
        else:
            year, month = previous_month(local_today())
        bodies = snapshot_month(year, month)
        db.session.commit()
        click.echo(f"Snapshot of {year}-{month:02d}: {bodies} bodies.")

    @scores.command("cells")
    def cells_command() -> None:
        """Count the score cells afresh now (the refresh job does it every few minutes)."""
        cells = build_cells()
        db.session.commit()
        click.echo(f"Score cells counted: {cells}.")
