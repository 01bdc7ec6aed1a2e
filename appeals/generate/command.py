"""`flask --app appeals generate`: bulk data for benchmarks and load tests."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from datetime import time as day_time
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app

from appeals.extensions import db
from appeals.generate.load import PASSWORD, generate
from appeals.ops.planner import refresh_planner_statistics


def register_generate(app: Flask) -> None:
    @app.cli.command("generate")
    @click.option("--appeals", "appeals", type=click.IntRange(1), default=10_000, show_default=True)
    @click.option("--bodies", type=click.IntRange(1), default=200, show_default=True)
    @click.option("--months", type=click.IntRange(1, 120), default=24, show_default=True)
    @click.option("--seed", type=int, default=1, show_default=True)
    @click.option(
        "--today",
        type=click.DateTime(["%Y-%m-%d"]),
        default=None,
        help="The last day of the data, to its end (default: up to this moment).",
    )
    def generate_command(appeals: int, bodies: int, months: int, seed: int, today) -> None:
        """Generate bodies with staff, citizens and appeals with their events, answers,
        ratings and audits (after `flask seed`; a second seed adds another set)."""
        started = time.perf_counter()
        now = end_of_day(today) if today else None
        report = generate(appeals, bodies, months, seed, now=now, log=click.echo)
        db.session.commit()
        # The planner's first plans on the new data, before the nightly job has run.
        refresh_planner_statistics()
        db.session.commit()
        click.echo(
            f"Generated {report.appeals:,} appeals, {report.events:,} events, "
            f"{report.bodies:,} bodies, {report.users:,} accounts (password {PASSWORD}) "
            f"in {time.perf_counter() - started:.1f} s"
        )


def end_of_day(day: datetime) -> datetime:
    """The day's last second in the site's zone, as an aware UTC moment."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return datetime.combine(day.date(), day_time.max, zone).astimezone(UTC)
