"""Attachments: checked by their content (not their name), stored by content hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask_babel import gettext as _

# extension -> MIME type the content must have. Text has no magic bytes: it is checked apart.
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "txt": "text/plain",
}


class AttachmentRejected(ValueError):
    """A file that may not be attached; the message is for the user (in their language)."""


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def size_text(size: int) -> str:
    """A size as people read it: "5 MB", "1.5 MB", "500 KB", "100 bytes" (units translated)."""
    if size >= 1024 * 1024:
        return _("%(size)s MB", size=f"{round(size / (1024 * 1024), 1):g}")
    if size >= 1024:
        return _("%(size)s KB", size=f"{round(size / 1024, 1):g}")
    return _("%(size)s bytes", size=size)


def _looks_like_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _type_refused(name: str) -> str:
    allowed = ", ".join(sorted({e.upper() for e in ALLOWED_TYPES} - {"JPEG"}))
    return _(
        "%(name)s: this type of file is not accepted (allowed: %(allowed)s).",
        name=name,
        allowed=allowed,
    )


def browser_checks(limit: int, max_bytes: int) -> dict[str, str]:
    """The attributes of a file input for the browser's check before sending (static/site.js):
    the limits of check_uploads, and its messages in the same words ("{name}" stands for the
    file's name). The server checks again all the same."""
    return {
        "accept": ",".join(f".{extension}" for extension in ALLOWED_TYPES),
        "data-max-files": str(limit),
        "data-max-bytes": str(max_bytes),
        "data-message-count": _("At most %(limit)s files can be attached.", limit=limit),
        "data-message-type": _type_refused("{name}"),
        "data-message-size": _(
            "%(name)s: the file is larger than %(size)s.", name="{name}", size=size_text(max_bytes)
        ),
    }


def check_file(filename: str, content: bytes, max_bytes: int) -> CheckedFile:
    """Accept a file only if its size is within bounds and its content matches its extension."""
    name = Path(filename).name.strip() or "file"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise AttachmentRejected(_type_refused(name))
    if not content:
        raise AttachmentRejected(_("%(name)s: the file is empty.", name=name))
    if len(content) > max_bytes:
        raise AttachmentRejected(
            _("%(name)s: the file is larger than %(size)s.", name=name, size=size_text(max_bytes))
        )
    expected = ALLOWED_TYPES[extension]
    if expected == "text/plain":
        matches = filetype.guess(content) is None and _looks_like_text(content)
    else:
        guessed = filetype.guess(content)
        matches = guessed is not None and guessed.mime == expected
    if not matches:
        raise AttachmentRejected(
            _(
                "%(name)s: the content is not a %(type)s file, whatever its name says.",
                name=name,
                type=extension.upper(),
            )
        )
    return CheckedFile(filename=name[:255], content_type=expected, content=content)


def check_uploads(uploads, limit: int, max_bytes: int) -> list[CheckedFile]:
    """Check uploaded files (objects with .filename and .read) as a form or the API receives
    them: at most `limit` of them, each by check_file. Refuses with every fault at once."""
    files = [upload for upload in uploads if upload and upload.filename]
    if len(files) > limit:
        raise AttachmentRejected(_("At most %(limit)s files can be attached.", limit=limit))
    checked, errors = [], []
    for upload in files:
        content = upload.read(max_bytes + 1)
        try:
            checked.append(check_file(upload.filename, content, max_bytes))
        except AttachmentRejected as rejected:
            errors.append(str(rejected))
    if errors:
        raise AttachmentRejected(" ".join(errors))
    return checked


def store_file(upload_dir: Path, checked: CheckedFile) -> str:
    """Write the content under its hash (idempotent: the same bytes are stored once)."""
    key = checked.sha256
    path = upload_dir / key[:2] / key
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        temporary.write_bytes(checked.content)
        temporary.replace(path)  # atomic: a reader never sees half a file
    return key


def stored_path(upload_dir: Path, key: str) -> Path:
    return upload_dir / key[:2] / key
