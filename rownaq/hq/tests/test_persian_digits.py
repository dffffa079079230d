"""The HQ's forms in Persian digits: the case pickers' references and the meeting number typed or shown."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from rownaq.accounts.models import User
from rownaq.accounts.testing import login
from rownaq.core.normalise import to_persian_digits
from rownaq.hq.forms import CaseChoiceField, CaseMultipleChoiceField
from rownaq.hq.models import Meeting
from rownaq.hq.tests.test_pages import meeting, overdue_case

__all__ = ["meeting", "overdue_case"]  # fixtures
from rownaq.obstacles.models import Case

pytestmark = pytest.mark.django_db


def test_the_case_pickers_show_references_in_persian_digits(overdue_case: Case) -> None:
    queryset = Case.objects.filter(pk=overdue_case.pk)
    for field in (CaseChoiceField(queryset=queryset), CaseMultipleChoiceField(queryset=queryset)):
        label = field.label_from_instance(overdue_case)
        assert label.startswith(to_persian_digits(overdue_case.reference) + ": ")
        assert not re.search("[0-9]", label)


def test_the_meeting_page_and_form_show_persian_digits(
    client: Client, deputy: User, meeting: Meeting, overdue_case: Case
) -> None:
    login(client, deputy)
    page = client.get(reverse("hq-meeting-detail", args=[meeting.pk])).content.decode()
    assert f"{to_persian_digits(overdue_case.reference)}: " in page  # the agenda's case picker
    assert not re.search("م-[0-9]", page)
    form = client.get(reverse("hq-meeting-create")).content.decode()
    number = re.search(r'<input[^>]*name="number"[^>]*>', form)
    assert number is not None
    assert 'value="' + to_persian_digits(str(meeting.number + 1)) + '"' in number.group(0)
