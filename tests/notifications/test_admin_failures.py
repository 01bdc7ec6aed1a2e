"""Delivery failures are visible to the admin, who can send them again."""

from sqlalchemy import select

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.notifications.models import Notification
from tests.factories import submit


def test_failed_notice_is_listed_and_retried(app, make_user, client, login, run_jobs):
    appeal, _ = submit(make_user())
    notice = db.session.execute(select(Notification)).scalar_one()
    notice.status, notice.attempts, notice.last_error = "failed", 1, "SMTPConnectError: refused"
    db.session.commit()
    login(make_user(Role.ADMIN))
    page = client.get("/admin/notifications").get_data(as_text=True)
    assert "SMTPConnectError: refused" in page and notice.address in page
    response = client.post(f"/admin/notifications/{notice.id}/retry")
    assert response.status_code == 302
    run_jobs()
    db.session.refresh(notice)
    assert notice.status == "sent" and notice.attempts == 2
    assert "Every notice has been delivered" in client.get("/admin/notifications").get_data(
        as_text=True
    )


def test_citizen_cannot_see_the_failures(make_user, client, login):
    login(make_user())
    assert client.get("/admin/notifications").status_code == 403
    assert client.post("/admin/notifications/1/retry").status_code == 403
