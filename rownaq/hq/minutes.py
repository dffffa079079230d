"""The minutes of an HQ meeting (صورتجلسه) as a Persian PDF, and the meeting's title in words.

WeasyPrint lays the page out right to left with the Vazirmatn fonts that ship with the app; the
page numbers are Persian digits (``counter(page, persian)``).
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from persiantools.digits import to_word

from rownaq.core.normalise import to_persian_digits
from rownaq.hq.models import Meeting

FONT_FILES = {
    400: "vendor/vazirmatn/Vazirmatn-Regular.woff2",
    500: "vendor/vazirmatn/Vazirmatn-Medium.woff2",
    700: "vendor/vazirmatn/Vazirmatn-Bold.woff2",
}


def persian_ordinal(number: int) -> str:
    """13 → «سیزدهم», 23 → «بیست و سوم», 30 → «سی‌ام», 1 → «اول»."""
    if number == 1:
        return "اول"
    words = to_word(number)
    if words.endswith("سه"):
        return words[:-2] + "سوم"
    if words.endswith("ی"):
        return words + "\u200cام"
    return words + "م"


def meeting_title(meeting: Meeting) -> str:
    """«جلسه سیزدهم ستاد تسهیل و رفع موانع تولید استان قم» (in English: «Meeting 13 of …»)."""
    persian = (get_language() or "").startswith("fa")
    ordinal = persian_ordinal(meeting.number) if persian else str(meeting.number)
    return _("Meeting %(ordinal)s of the HQ for Facilitating Production and Removing its Obstacles, %(province)s") % {
        "ordinal": ordinal,
        "province": meeting.province.name if persian else meeting.province.name_en,
    }


def font_faces() -> list[dict[str, object]]:
    """The Vazirmatn files as ``file://`` addresses WeasyPrint can read."""
    faces = []
    for weight, name in FONT_FILES.items():
        found = finders.find(name)
        if found:
            faces.append({"weight": weight, "url": Path(str(found)).resolve().as_uri()})
    return faces


def minutes_filename(meeting: Meeting) -> str:
    return to_persian_digits(_("HQ minutes %(n)s.pdf") % {"n": meeting.number})


def render_minutes_pdf(meeting: Meeting) -> bytes:
    from weasyprint import HTML  # imported here: loading it costs a second, only the PDF needs it

    resolutions = meeting.resolutions.prefetch_related("commitments__owner").select_related("case")
    html = render_to_string(
        "hq/minutes.html",
        {
            "meeting": meeting,
            "title": meeting_title(meeting),
            "attendees": [line for line in meeting.attendees.splitlines() if line.strip()],
            "agenda": meeting.agenda.select_related("case"),
            "resolutions": resolutions,
            "fonts": font_faces(),
            "printed_on": timezone.localdate(),
        },
    )
    pdf = HTML(string=html, base_url=str(Path(__file__).parent)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
