"""Importing production units from an Excel workbook: upload, check in the background, confirm, commit.

The flow is ``import_batch_create`` (the upload; the checking is queued) → ``import_batch_validate``
(run by the worker: every row is checked and the problems are recorded) → ``import_batch_confirm``
(the person agrees to import the valid rows; the commit is queued) → ``import_batch_commit`` (run by
the worker: the file is checked again and every valid row is created or updated in one
transaction, matched on the national ID; bad rows are skipped). The column layout is
``rownaq.registry.spreadsheet.COLUMNS``, shared with the export, so an exported file re-imports.

An industrial estate that the rows name but that is not yet known in the row's county is not a
problem: the preview lists it (``import_batch_new_estates``) and the commit creates it.

- ``checks``: the uploaded file, the header row and the checks of every row;
- ``lookups``: the reference data the rows are checked against (ISIC classes, counties, estates);
- ``workflow``: the steps above and the writing of the rows.

Who may see which import is in ``rownaq.registry.access``.
"""

from rownaq.registry.imports.checks import (
    EstateNotice,
    ImportFileError,
    ImportStateError,
    import_batch_new_estates,
    import_batch_problems,
    import_file_check,
)
from rownaq.registry.imports.workflow import (
    import_batch_commit,
    import_batch_confirm,
    import_batch_create,
    import_batch_fail,
    import_batch_validate,
)

__all__ = [
    "EstateNotice",
    "ImportFileError",
    "ImportStateError",
    "import_batch_commit",
    "import_batch_confirm",
    "import_batch_create",
    "import_batch_fail",
    "import_batch_new_estates",
    "import_batch_problems",
    "import_batch_validate",
    "import_file_check",
]
