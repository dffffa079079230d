"""The Persian matching engine: ranks documents (a need's, a capability's) against a query document
from their texts, titles, codes and provinces, and says why.

It knows no model: callers pass plain ``Document``s in and get ranked ``Hit``s (ids with their
reasons) out. The vocabulary (groups of equivalent terms and of related concepts) is plain data
too: by default the files of ``data/`` (``Engine(synonyms, related)``), or a ``Vocabulary``
compiled once and shared between engines (``Engine(compiled=...)``). The rest of the platform uses
only what this module exports. How the engine scores is its own business (see ``engine.py``).
"""

from rownaq.matching.documents import Document, Hit
from rownaq.matching.engine import Engine
from rownaq.matching.synonyms import Vocabulary

__all__ = ["Document", "Engine", "Hit", "Vocabulary"]
