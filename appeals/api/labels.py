"""The words a reader sees for the API's tokens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from appeals.api.models import TokenScope

SCOPE_LABELS = {
    TokenScope.READ: _l("Read: your appeals, the inbox, figures"),
    TokenScope.WRITE: _l("Write: submit, answer and take the other steps"),
}
