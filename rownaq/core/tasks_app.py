"""django-tasks' database backend under a Persian name in the admin (its own name is not translatable).

Kept out of ``core/apps.py``: Django picks an app's config automatically only when its ``apps.py`` holds
one ``AppConfig`` subclass.
"""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Background tasks")  # type: ignore[assignment]  # a lazy string, as Django allows
