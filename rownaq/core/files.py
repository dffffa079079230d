"""Uploaded files the platform accepts as attachments: PDF and images only, recognised by their first
bytes, size-limited (cases, needs and what later apps attach)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from rownaq.core.numbers import format_number

# Content type → (the extensions it may have, the bytes every such file starts with).
ALLOWED_TYPES: dict[str, tuple[tuple[str, ...], bytes]] = {
    "application/pdf": ((".pdf",), b"%PDF-"),
    "image/png": ((".png",), b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": ((".jpg", ".jpeg"), b"\xff\xd8\xff"),
}
ACCEPT = ",".join(ext for extensions, _magic in ALLOWED_TYPES.values() for ext in extensions)


def attachment_content_type(upload: UploadedFile) -> str:
    """The file's content type if it is a PDF, PNG or JPEG within the size limit; else a Persian error."""
    name = upload.name or ""
    limit = settings.ROWNAQ_ATTACHMENT_MAX_BYTES
    if (upload.size or 0) > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(size)s megabytes.")
            % {"name": name, "size": format_number(limit / (1024 * 1024), decimals=1)}
        )
    if not upload.size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    extension = os.path.splitext(name)[1].lower()
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type, (extensions, magic) in ALLOWED_TYPES.items():
        if extension in extensions and head.startswith(magic):
            return content_type
    raise ValidationError(
        _("“%(name)s” is not a PDF, PNG or JPEG file. Only these kinds of files can be attached.") % {"name": name}
    )
