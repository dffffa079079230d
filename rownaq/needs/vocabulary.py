"""The desk's matching vocabulary: the engine's data files (``rownaq/matching/data``) merged with the
active ``SynonymGroup`` rows that experts keep in the admin (equivalents and related concepts).

``desk_engine()`` is the engine every page and job of the desk ranks with; the vocabulary is compiled
again only when a file or an expert's group changed (compiling takes about a tenth of a second; a
search builds two engines).
"""

from __future__ import annotations

import logging
import threading

from django.db.models import Count, Max

from rownaq.matching import Engine, Vocabulary
from rownaq.matching.synonyms import files_signature, read_related_file, read_synonyms_file
from rownaq.needs.models import SynonymGroup, SynonymKind

logger = logging.getLogger(__name__)


def database_groups(kind: str = SynonymKind.EQUIVALENT) -> list[list[str]]:
    """The active ``SynonymGroup`` rows of a kind, or nothing when the database is not there."""
    try:
        return [g.term_list() for g in SynonymGroup.objects.filter(is_active=True, kind=kind)]
    except Exception:  # no table yet, no database, or no database access here: the files alone
        logger.debug("synonym groups from the database unavailable", exc_info=True)
        return []


def _database_signature() -> tuple[object, ...]:
    """Changes whenever an admin's group is added, changed, switched off or deleted."""
    try:
        found = SynonymGroup.objects.aggregate(count=Count("pk"), last=Max("updated_at"))
        return (found["count"], found["last"])
    except Exception:  # as in database_groups
        return ()


_compiled: tuple[tuple[object, ...], Vocabulary] | None = None
_compiled_lock = threading.Lock()


def desk_vocabulary() -> Vocabulary:
    """The compiled vocabulary of the files and the admin's groups, compiled again only when one of them changed."""
    global _compiled
    key = (*files_signature(), *_database_signature())
    with _compiled_lock:
        if _compiled is not None and _compiled[0] == key:
            return _compiled[1]
    vocabulary = Vocabulary.compile(
        read_synonyms_file() + database_groups(SynonymKind.EQUIVALENT),
        read_related_file() + database_groups(SynonymKind.RELATED),
    )
    with _compiled_lock:
        _compiled = (key, vocabulary)
    return vocabulary


def desk_engine() -> Engine:
    """An empty engine (``build`` it) over the desk's vocabulary."""
    return Engine(compiled=desk_vocabulary())
