"""What the pages of every area share: taking one step on an appeal as the user saw it, a
database that refuses a form's save, and a page of a list. Views only (it flashes and reads
the request)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import abort, current_app, flash, request
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from appeals.extensions import database_is_locked, db
from appeals.intake.models import Appeal
from appeals.intake.workflow import TransitionRefused
from appeals.work.standing import CHANGED_MEANWHILE, ChangedMeanwhile, check_version

# A page number past this cannot be a real page (it would overflow the database's OFFSET).
MAX_PAGE = 1_000_000


def committed_step(appeal: Appeal, seen_version: int | None, step: Callable[[], Any]) -> Any:
    """Take one step on an appeal as the client saw it (version) and commit it once, for the
    pages and the API alike. A refusal raises TransitionRefused, a change by someone else
    (before the step, or committed between our read and our write) ChangedMeanwhile; either
    way nothing is saved."""
    try:
        check_version(appeal, seen_version)
        result = step()
        db.session.commit()
    except TransitionRefused:
        db.session.rollback()
        raise
    except StaleDataError:
        db.session.rollback()
        raise ChangedMeanwhile(CHANGED_MEANWHILE) from None
    return result


def commit_step(appeal: Appeal, seen_version: int | None, step: Callable[[], Any]):
    """committed_step for a page: a refusal or a change meanwhile is flashed.

    Returns (True, the step's result) or (False, None)."""
    try:
        return True, committed_step(appeal, seen_version, step)
    except TransitionRefused as refused:
        flash(str(refused), "danger")  # the session keeps text, not lazy
        return False, None


log = logging.getLogger(__name__)


def refused_save(error: SQLAlchemyError) -> None:
    """The database refused a form's save (a constraint, a trigger, a connection lost
    mid-transaction): roll it all back and tell the user in plain words; the caller re-renders
    the form, which still holds what was typed. Busy past the wait is left to the app's 503
    (a read-only request is run again as a writer: AppealsFlask)."""
    db.session.rollback()
    if database_is_locked(error):
        raise error
    log.exception("the database refused %s %s", request.method, request.path)
    flash(
        _(
            "The database refused to save this, so nothing was saved. What you typed is kept "
            "below (attach any files again); please submit again in a minute."
        ),
        "danger",
    )


def requested_page() -> int:
    """The page the request's ?page= asks for; the first when it is not a number."""
    return request.args.get("page", 1, type=int)


def shown_total(page: int, per_page: int, found: int) -> int | None:
    """How long the list is when its page tells: a page that is not full is the last (an
    empty one only when it is the first: a page after the last is empty too). None: count."""
    if found < per_page and (found or page == 1):
        return (page - 1) * per_page + found
    return None


class CountedWhenFull(SelectPagination):
    """A query's page that counts the list only when the page cannot tell (shown_total): a
    citizen's few appeals fit one page, and their count was a statement of its own."""

    def _query_count(self) -> int:
        total = shown_total(self.page, self.per_page, len(self.items))
        return super()._query_count() if total is None else total


def page_of(query: Select, per_page: int, *, bounded: bool = False) -> Pagination:
    """The page of `query` that the request's ?page= asks for (the first when it is not a
    number): below 1, or past any page a list could have, is not found (404), never a 500;
    a page after the last one is empty. The list is counted only when the page is full.

    A `bounded` list (one that can grow to hundreds of thousands: an inbox, the staff, the
    admin log) counts at most LIST_COUNT_CAP rows and pages no further than them: its
    `total` is then LIST_COUNT_CAP + 1 and `capped` is true ("more than ..."), so neither the
    count nor the OFFSET of a deep page grows with the table."""
    page = requested_page()
    cap = current_app.config["LIST_COUNT_CAP"] if bounded else None
    last_page = MAX_PAGE if cap is None else -(-cap // per_page)
    if page < 1 or page > last_page:
        abort(404)
    if cap is None:
        pagination = CountedWhenFull(
            select=query, session=db.session(), page=page, per_page=per_page, max_per_page=None,
            error_out=False,
        )  # fmt: skip
        pagination.capped = False
        return pagination
    # A long list is paged by its keys first, then only the page's rows are read: the keys'
    # order and filters come from an index alone (the inbox's ix_appeals_body_inbox), where
    # reading whole rows would fetch every match from the table to sort them.
    entity = query.column_descriptions[0]["entity"]
    keys = query.with_only_columns(entity.id)
    pagination = db.paginate(keys, page=page, per_page=per_page, error_out=False, count=False)
    rows = db.session.scalars(query.where(entity.id.in_(pagination.items)).order_by(None))
    by_key = {row.id: row for row in rows}
    # A row that left the list between the two reads (PostgreSQL's READ COMMITTED gives each
    # statement its own snapshot: an appeal answered meanwhile) is left out, not an error.
    found = len(pagination.items)
    pagination.items = [by_key[key] for key in pagination.items if key in by_key]
    # Flask-SQLAlchemy's documented way: count=False, and the total set by the caller.
    total = shown_total(page, per_page, found)
    if total is None or total > cap:
        counted = keys.order_by(None).limit(cap + 1).subquery()
        total = db.session.execute(select(func.count()).select_from(counted)).scalar()
    pagination.total = total
    pagination.capped = pagination.total > cap
    return pagination


class ListPagination(Pagination):
    """A page of a list already in memory (a ranking sorted in Python), with the same
    interface as a query's page, so that the same pager renders it."""

    def _query_items(self) -> list[Any]:
        items = self._query_args["items"]
        return items[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["items"])


def page_of_list(items: list, per_page: int) -> Pagination:
    """The page of `items` that ?page= asks for: out of range is not found (404)."""
    page = requested_page()
    last_page = max(1, -(-len(items) // per_page))
    if page < 1 or page > last_page:
        abort(404)
    return ListPagination(page=page, per_page=per_page, max_per_page=None, items=items)


class FormsOnDemand(dict):
    """An appeal page's forms by name, each built for the appeal the first time its template
    reads it. A page shows only the forms of the steps open now, and building the others
    costs time and queries (the staff to assign, the bodies to forward to). `builders` are
    form classes or functions called with appeal=; forms given (a posted form that did not
    validate, with its errors) are used as they are."""

    def __init__(self, appeal: Appeal, builders: dict[str, Callable[..., Any]], **given: Any):
        super().__init__(given)
        self._appeal = appeal
        self._builders = builders

    def __missing__(self, name: str) -> Any:
        form = self[name] = self._builders[name](appeal=self._appeal)
        return form
