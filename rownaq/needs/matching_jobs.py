"""Matches computed in the background and stored: the capabilities ranked for each need, with reasons.

Only public capabilities are ranked (a capability outside the public catalogue is never proposed to
another organisation's need). A run deletes a need's stored matches and writes the new ones in one
transaction, with the need's row locked: running it twice, or two runs at once, gives the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from rownaq.matching import Engine
from rownaq.needs.documents import document_for_capability, document_for_need
from rownaq.needs.models import Capability, Match, Need, NeedState
from rownaq.needs.vocabulary import desk_engine


def _capability_engine() -> Engine:
    capabilities = Capability.objects.filter(is_public=True).select_related("province").prefetch_related("sectors")
    engine = desk_engine()
    engine.build([document_for_capability(c) for c in capabilities.order_by("pk")])
    return engine


def _store(need: Need, engine: Engine) -> int:
    hits = engine.rank(document_for_need(need), k=settings.ROWNAQ_MATCHES_PER_NEED)
    now = timezone.now()
    with transaction.atomic():
        Need.objects.select_for_update().filter(pk=need.pk).first()
        Match.objects.filter(need=need).delete()
        public = set(
            Capability.objects.filter(pk__in=[int(h.id) for h in hits], is_public=True).values_list("pk", flat=True)
        )
        rows = [
            Match(
                need=need, capability_id=int(hit.id), score=hit.score, rank=rank, reasons=hit.reasons(), computed_at=now
            )
            for rank, hit in enumerate((h for h in hits if int(h.id) in public), start=1)
        ]
        Match.objects.bulk_create(rows)
    return len(rows)


def recompute_needs(needs: Iterable[Need]) -> int:
    """Rank the public capabilities for each need (one index for all of them); returns the matches stored."""
    needs = list(needs)
    if not needs:
        return 0
    engine = _capability_engine()
    return sum(_store(need, engine) for need in needs)


def _needs() -> QuerySet[Need]:
    return Need.objects.select_related("unit__county__province", "sector")


def recompute_need(need_id: int) -> int:
    """Recompute one need's matches (a need that no longer exists has none)."""
    need = _needs().filter(pk=need_id).first()
    return recompute_needs([need]) if need is not None else 0


def recompute_capability(capability_id: int) -> int:
    """Recompute the needs a changed capability may enter or leave.

    The simplest correct rule: every open need (a capability of any province may answer it; the same
    province only weighs a little more), and every need it is matched to now (which it may leave).
    This costs one index build and one ranking per such need, i.e. O(open needs × capabilities); at
    national scale the next step is to rank the needs for the capability (the engine's reverse
    direction) and update only those rows.
    """
    needs = _needs().filter(state=NeedState.OPEN)
    current = _needs().filter(matches__capability_id=capability_id)
    return recompute_needs({n.pk: n for n in [*needs, *current]}.values())


def recompute_all() -> int:
    """Every open need's matches, and those of needs already matched (after a change of the engine)."""
    return recompute_needs(_needs().exclude(state=NeedState.CLOSED).order_by("pk"))
