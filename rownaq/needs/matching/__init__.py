"""The matching engine of the Industry Needs Desk: ranks capabilities for a need (and needs for a
capability) from their texts, titles, codes and provinces, and says why.

The rest of the platform uses only what this module exports: ``Document``, ``Hit``, ``Engine``
(``build`` an index, ``rank`` a query against it) and ``document_for_need`` /
``document_for_capability``. How the engine scores is its own business (see ``engine.py``).
"""

from rownaq.needs.matching.documents import Document, Hit, document_for_capability, document_for_need
from rownaq.needs.matching.engine import Engine

__all__ = ["Document", "Engine", "Hit", "document_for_capability", "document_for_need"]
