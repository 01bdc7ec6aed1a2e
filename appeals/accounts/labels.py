"""The accounts' words: the roles as the pages and the e-mails name them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from appeals.accounts.models import Role

# Lazy: the admin's pages show them in the reader's language, the staff invitation in the
# invitee's (notifications.service renders it in that language).
ROLE_LABELS = {
    Role.CITIZEN: _l("citizen"),
    Role.OFFICIAL: _l("official"),
    Role.HEAD: _l("head"),
    Role.PROSECUTOR: _l("prosecutor"),
    Role.ADMIN: _l("admin"),
}
