"""``manage.py escalate_overdue``: escalate the overdue referrals now, without the worker."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from rownaq.obstacles.referrals import referrals_escalate


class Command(BaseCommand):
    help = "Put the cases of referrals past their due date on the HQ agenda and notify the people concerned."

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            count = referrals_escalate()
        self.stdout.write(f"{count} overdue referral(s) escalated to the HQ agenda.")
