"""Attachments: PDF and images only, recognised by their first bytes, size-limited, downloaded by who sees the case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from rownaq.accounts.models import Organisation, User
from rownaq.obstacles import workflow
from rownaq.obstacles.models import Attachment, Case, ObstacleCategory
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 20


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def post_case(client: Client, unit: Unit, category: ObstacleCategory, files: list[SimpleUploadedFile]) -> Any:
    return client.post(
        reverse("obstacles-case-file"),
        {
            "unit": unit.pk,
            "category": category.pk,
            "title": "قطعی مکرر برق خط تولید",
            "description": "هفته‌ای سه بار برق قطع می‌شود.",
            "urgency": "critical",
            "attachments": files,
        },
    )


def test_manager_attaches_a_pdf_and_a_png(client: Client, manager: User, unit: Unit, finance: ObstacleCategory) -> None:
    client.force_login(manager)
    response = post_case(
        client, unit, finance, [upload("نامه بانک.pdf", PDF, "application/pdf"), upload("photo.PNG", PNG)]
    )
    assert response.status_code == 302
    case = Case.objects.get()
    attachments = list(case.attachments.order_by("pk"))
    assert [(a.name, a.content_type, a.size) for a in attachments] == [
        ("نامه بانک.pdf", "application/pdf", len(PDF)),
        ("photo.PNG", "image/png", len(PNG)),
    ]
    assert attachments[0].uploaded_by == manager
    assert attachments[0].file.read() == PDF

    page = client.get(reverse("obstacles-case-detail", args=[case.pk])).content.decode()
    assert reverse("obstacles-attachment", args=[attachments[0].pk]) in page
    download = client.get(reverse("obstacles-attachment", args=[attachments[0].pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]


def test_a_renamed_exe_is_refused_and_the_form_keeps_what_was_typed(
    client: Client, manager: User, unit: Unit, finance: ObstacleCategory
) -> None:
    client.force_login(manager)
    response = post_case(client, unit, finance, [upload("ok.pdf", PDF), upload("invoice.pdf", EXE)])
    assert response.status_code == 200
    text = response.content.decode()
    refused = gettext("“%(name)s” is not a PDF, PNG or JPEG file. Only these kinds of files can be attached.")
    assert refused % {"name": "invoice.pdf"} in text
    assert 'value="قطعی مکرر برق خط تولید"' in text
    assert not Case.objects.exists()
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("scan.jpg", JPEG, True),
        ("scan.jpeg", JPEG, True),
        ("scan.pdf", PNG, False),  # a PNG named as a PDF
        ("tool.exe", EXE, False),
        ("notes.txt", b"plain text", False),
        ("empty.pdf", b"", False),
    ],
)
def test_kinds_of_files(
    client: Client, manager: User, unit: Unit, finance: ObstacleCategory, name: str, content: bytes, accepted: bool
) -> None:
    client.force_login(manager)
    response = post_case(client, unit, finance, [upload(name, content)])
    assert (response.status_code == 302) is accepted
    assert Case.objects.exists() is accepted


def test_a_file_over_the_size_limit_is_refused(
    client: Client, manager: User, unit: Unit, finance: ObstacleCategory, settings: Any
) -> None:
    settings.ROWNAQ_ATTACHMENT_MAX_BYTES = 50
    client.force_login(manager)
    response = post_case(client, unit, finance, [upload("big.pdf", PDF + b"\x00" * 100)])
    assert response.status_code == 200
    assert "big.pdf" in response.context["form"].errors["attachments"][0]
    assert not Case.objects.exists()


def test_attachments_download_only_for_those_who_see_the_case(
    client: Client,
    manager: User,
    other_manager: User,
    expert: User,
    bank_liaison: User,
    investor: User,
    unit: Unit,
    finance: ObstacleCategory,
    bank: Organisation,
) -> None:
    client.force_login(manager)
    post_case(client, unit, finance, [upload("letter.pdf", PDF)])
    case = Case.objects.get()
    url = reverse("obstacles-attachment", args=[case.attachments.get().pk])
    for person in (other_manager, investor, bank_liaison):
        client.force_login(person)
        assert client.get(url).status_code == 404
    client.force_login(expert)
    assert client.get(url).status_code == 200
    workflow.case_accept(case=case, by=expert)
    workflow.case_refer(case=case, agencies=[bank], by=expert)
    client.force_login(bank_liaison)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
