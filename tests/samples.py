"""Sample inputs for the appeal form: real minimal files, the form's fields, and a count of
everything a submission writes (to prove a refused or failed one wrote nothing)."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

from sqlalchemy import func, select

from appeals.extensions import db
from appeals.intake.models import Appeal, Attachment, Event, RegistrationCounter
from appeals.notifications.models import Notification
from tests.factories import ASTANA, category_id, region_id


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def minimal_png() -> bytes:
    """A valid 1x1 white PNG: signature, IHDR, IDAT, IEND."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\xff\xff")  # filter byte 0, one white pixel
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def minimal_pdf() -> bytes:
    """A one-page PDF with its cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# The start of a Windows executable: "MZ", the DOS stub, "PE\0\0".
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 46 + b"PE\x00\x00"


def upload(content: bytes, filename: str) -> tuple[BytesIO, str]:
    """One file for the form's `attachments` field."""
    return (BytesIO(content), filename)


def appeal_fields(**changes) -> dict:
    """A valid appeal form's fields (healthcare in Astana), with changes."""
    fields = {
        "kind": "statement",
        "category_id": str(category_id("healthcare")),
        "region_id": str(region_id(ASTANA)),
        "subject": "No appointment with a doctor",
        "text": "I have been waiting for an appointment at polyclinic No. 4 for two months.",
    }
    fields.update(changes)
    return fields


def saved_counts() -> dict[str, int]:
    """How many rows a submission could have written, by kind."""

    def count(column) -> int:
        return db.session.execute(select(func.count(column))).scalar_one()

    return {
        "appeals": count(Appeal.id),
        "events": count(Event.id),
        "attachments": count(Attachment.id),
        "notifications": count(Notification.id),
        "numbers taken": db.session.execute(
            select(func.coalesce(func.sum(RegistrationCounter.last_value), 0))
        ).scalar_one(),
    }


NOTHING_SAVED = {
    "appeals": 0,
    "events": 0,
    "attachments": 0,
    "notifications": 0,
    "numbers taken": 0,
}
