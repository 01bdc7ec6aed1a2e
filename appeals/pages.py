"""What the pages of every area share: taking one step on an appeal as the user saw it, and a
page of a list. Views only (it flashes and reads the request)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select
from sqlalchemy.orm.exc import StaleDataError

from appeals.extensions import db
from appeals.intake.models import Appeal
from appeals.intake.workflow import TransitionRefused
from appeals.work.standing import CHANGED_MEANWHILE, check_version

# A page number past this cannot be a real page (it would overflow the database's OFFSET).
MAX_PAGE = 1_000_000


def commit_step(appeal: Appeal, seen_version: int | None, step: Callable[[], Any]):
    """Take one step on an appeal as the user saw it (version) and commit it once; a refusal,
    or a change by someone else meanwhile, is flashed and nothing is saved.

    Returns (True, the step's result) or (False, None)."""
    try:
        check_version(appeal, seen_version)
        result = step()
        db.session.commit()
    except TransitionRefused as refused:
        db.session.rollback()
        flash(str(refused), "danger")
        return False, None
    except StaleDataError:
        # Someone else's update committed between our read and our write: their version won.
        db.session.rollback()
        flash(str(CHANGED_MEANWHILE), "danger")  # the session keeps text, not lazy
        return False, None
    return True, result


def page_of(query: Select, per_page: int) -> Pagination:
    """The page of `query` that the request's ?page= asks for (the first when it is not a
    number): below 1, or past any page a list could have, is not found (404), never a 500;
    a page after the last one is empty."""
    page = request.args.get("page", 1, type=int)
    if page < 1 or page > MAX_PAGE:
        abort(404)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
