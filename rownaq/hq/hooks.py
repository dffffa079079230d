"""What the HQ tells obstacles through its hooks (``rownaq.obstacles.hooks``), registered in ``HqConfig.ready``:
a case's outcome waits for the commitments of its adopted resolutions, unless the person says why."""

from __future__ import annotations

from django.utils.translation import gettext as _

from rownaq.core.jalali import format_jalali
from rownaq.core.normalise import to_persian_digits
from rownaq.hq.models import ADOPTING_STATES, Commitment
from rownaq.obstacles.models import Case


def open_commitments(case: Case) -> list[str]:
    """The commitments of the case's adopted resolutions not carried out yet, one sentence each (a draft binds
    nobody yet, so it holds nothing back)."""
    commitments = (
        Commitment.objects.filter(
            resolution__case=case, resolution__meeting__state__in=ADOPTING_STATES, done_on__isnull=True
        )
        .select_related("resolution__meeting", "owner")
        .order_by("resolution__meeting__number", "resolution__number", "party", "pk")
    )
    return [
        _("The commitment of %(owner)s in HQ resolution %(ref)s (deadline %(date)s) is not carried out yet.")
        % {
            "owner": c.owner.name,
            "ref": to_persian_digits(str(c.resolution)),
            "date": format_jalali(c.deadline),
        }
        for c in commitments
    ]
