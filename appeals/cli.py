"""`flask` commands: seed the reference data, load the demo, snapshot the scores, count the
score cells and the query planner's statistics (`flask analyze`), the first admin and staff
accounts (`flask users ...`), and backups (`flask backup create|restore`)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from appeals.accounts.models import INVITED_ROLES, Role
from appeals.accounts.rules import password_problem
from appeals.accounts.service import EmailTaken, create_user, find_user_by_email
from appeals.accounts.staff import StaffRefused, deactivate_user, find_body, invite_staff
from appeals.adminlog.service import record_user_change, user_fields
from appeals.demo import load_demo
from appeals.extensions import db
from appeals.ops.backup import BackupError, create_backup, restore_backup
from appeals.ops.planner import refresh_planner_statistics
from appeals.reference.seed import seed_reference
from appeals.scores.cells import build_cells
from appeals.scores.snapshots import previous_month, snapshot_month
from appeals.suggest.service import retrain
from appeals.timeutil import local_today


def register_cli(app: Flask) -> None:
    register_user_commands(app)
    register_backup_commands(app)

    @app.cli.command("seed")
    def seed_command() -> None:
        """Load regions, bodies, categories, routing rules, policies and holidays."""
        counts = seed_reference()
        db.session.commit()
        click.echo("Seeded: " + ", ".join(f"{n} {name}" for name, n in counts.items()))

    @app.cli.command("analyze")
    def analyze_command() -> None:
        """Count the query planner's statistics again (ANALYZE): after a bulk load or a
        restore; the scheduler does it every night."""
        refresh_planner_statistics()
        db.session.commit()
        click.echo("The query planner's statistics are counted again.")

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
        """Count every body's score cells afresh now (the refresh job counts the bodies that
        changed every few minutes, and every body once an hour)."""
        cells = build_cells(whole=True)
        db.session.commit()
        click.echo(f"Score cells counted: {cells}.")


def register_user_commands(app: Flask) -> None:
    users = click.Group("users", help="Admin and staff accounts.")
    app.cli.add_command(users)

    @users.command("create-admin")
    @click.option("--email", required=True, help="The admin's e-mail (their sign-in name).")
    @click.option("--name", "full_name", required=True, help="The admin's full name.")
    @click.password_option(help="Asked for (twice) when not given.")
    def create_admin_command(email: str, full_name: str, password: str) -> None:
        """Create an admin account with a password (the first admin of a fresh install)."""
        if problem := password_problem(password, email=email, full_name=full_name):
            raise click.BadParameter(problem, param_hint="password")
        try:
            user = create_user(email, password, full_name, Role.ADMIN)
        except EmailTaken:
            raise click.BadParameter("an account with this e-mail exists already") from None
        record_user_change("user.created", user, actor=None, before=None, after=user_fields(user))
        db.session.commit()
        click.echo(f"Admin {user.email} created; sign in at /login.")

    @users.command("invite")
    @click.option("--email", required=True)
    @click.option("--name", "full_name", required=True)
    @click.option("--role", required=True, type=click.Choice([str(r) for r in INVITED_ROLES]))
    @click.option("--body", "body_code", help="The body's code (not for admins).")
    def invite_command(email: str, full_name: str, role: str, body_code: str | None) -> None:
        """Invite a staff member: an e-mail with a link that sets their password."""
        body = find_body(body_code) if body_code else None
        if body_code and body is None:
            raise click.BadParameter(f"no body has the code {body_code!r}", param_hint="--body")
        try:
            user = invite_staff(email, full_name, role, body, actor=None)
        except EmailTaken:
            raise click.BadParameter("an account with this e-mail exists already") from None
        except StaffRefused as refused:
            raise click.BadParameter(str(refused), param_hint="--body") from None
        db.session.commit()
        click.echo(f"Invitation sent to {user.email} ({role}).")

    @users.command("deactivate")
    @click.argument("email")
    def deactivate_command(email: str) -> None:
        """Take an account's access away (every session ends; no notices)."""
        user = find_user_by_email(email)
        if user is None:
            raise click.BadParameter(f"no account has the e-mail {email!r}", param_hint="EMAIL")
        try:
            left = deactivate_user(user, actor=None)
        except StaffRefused as refused:
            raise click.ClickException(str(refused)) from None
        db.session.commit()
        click.echo(f"{user.email} deactivated.")
        for appeal in left:
            click.echo(f"  open appeal for the head to reassign: {appeal.number} {appeal.subject}")


def register_backup_commands(app: Flask) -> None:
    backup = click.Group("backup", help="The database and the uploaded files in one archive.")
    app.cli.add_command(backup)

    @backup.command("create")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def create_command(path: Path) -> None:
        """Write a backup archive (tar: the database, the uploads and a manifest of row counts
        and sha256 hashes) at PATH, while the site keeps serving."""
        try:
            summary = create_backup(path)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(
            f"Backup written to {path}: {summary.tables} tables, {summary.rows} rows, "
            f"{summary.files} files."
        )

    @backup.command("restore")
    @click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
    @click.option("--force", is_flag=True, help="Overwrite an instance that holds data.")
    def restore_command(path: Path, force: bool) -> None:
        """Restore a backup archive into this instance (empty unless --force); the archive is
        verified first and the result checked against its manifest."""
        try:
            summary = restore_backup(path, force=force)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(
            f"Restored from {path} and verified: {summary.tables} tables, {summary.rows} rows, "
            f"{summary.files} files."
        )
