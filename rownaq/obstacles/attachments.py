"""Files attached to a case or to an agency's answer (checked by ``rownaq.core.files``: PDF and images only,
size-limited)."""

from __future__ import annotations

import os
from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename

from rownaq.accounts.models import User
from rownaq.core.files import ACCEPT, ALLOWED_TYPES, attachment_content_type
from rownaq.obstacles.models import Attachment, Case, Referral

__all__ = ["ACCEPT", "ALLOWED_TYPES", "attachment_content_type", "attachments_add"]


def attachments_add(
    *, case: Case, files: Iterable[UploadedFile], by: User, referral: Referral | None = None
) -> list[Attachment]:
    """Store checked files on a case (``referral``: with that referral's answer); the caller holds the transaction
    that filed the case or recorded the answer."""
    created = []
    for upload in files:
        content_type = attachment_content_type(upload)
        name = os.path.basename(upload.name or "file")[:200]
        attachment = Attachment(
            case=case, referral=referral, name=name, content_type=content_type, size=upload.size or 0, uploaded_by=by
        )
        attachment.file.save(get_valid_filename(name) or "file", upload, save=False)
        attachment.save()
        created.append(attachment)
    return created
