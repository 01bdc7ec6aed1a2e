"""A form sent with files over MAX_CONTENT_LENGTH (a 30 MB scan) keeps what was typed: the
request's text fields are read while its files are counted and dropped, and the form's own
view answers with them, the form refused (CleanForm.validate) with a message next to the
files. So the citizen's appeal, the official's answer or the added clarification is not lost
to a generic error page. The browser checks the files before sending (static/site.js); this
is for a browser without scripts or a check that was got round."""

from __future__ import annotations

from flask import current_app, g, make_response, request
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.formparser import FormDataParser
from werkzeug.wsgi import LimitedStream

from appeals.extensions import csrf

_REFUSAL = "files_refused_as_too_large"


class _Discarded:
    """Where a file's bytes go while the form's text is read: nowhere."""

    def write(self, chunk: bytes) -> int:
        return len(chunk)

    def seek(self, *_args) -> int:
        return 0

    def read(self, *_args) -> bytes:
        return b""

    def close(self) -> None:
        pass


def files_refusal() -> str | None:
    """The message for the files of this request, if it was too large (else None)."""
    return g.get(_REFUSAL)


def answer_without_files(message: str):
    """The view's answer to this too-large form with its text fields and no files, as a 413;
    None when that cannot be (not a multipart form of a page, or unreadable)."""
    view = current_app.view_functions.get(request.endpoint or "")
    if (
        view is None
        or request.method != "POST"
        or request.mimetype != "multipart/form-data"
        or g.get(_REFUSAL)
    ):
        return None
    length = request.content_length or 0
    parser = FormDataParser(
        stream_factory=lambda *_args, **_kwargs: _Discarded(),
        max_form_memory_size=current_app.config.get("MAX_FORM_MEMORY_SIZE") or 500_000,
        cls=MultiDict,
        silent=False,
    )
    try:
        _stream, form, _files = parser.parse(
            LimitedStream(request.environ["wsgi.input"], length),
            request.mimetype,
            length,
            request.mimetype_params,
        )
    except (HTTPException, ValueError):
        return None
    # The request now reads as the same form without its files.
    request.__dict__.update(form=form, files=MultiDict())
    g.setdefault(_REFUSAL, message)
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            csrf.protect()  # its check came before the form could be read
        except CSRFError:
            return None
    response = make_response(current_app.ensure_sync(view)(**(request.view_args or {})))
    response.status_code = 413
    return response
