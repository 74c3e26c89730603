"""The query set of every model a cached page shows (see `qualification.page_changes`).

A save or deletion reaches the cached pages through the models' signals; `update()` and
`bulk_create()` send none, so this query set tells the pages itself, whoever calls it: a
service, the admin, a management command or a test arranging its data.
"""

from __future__ import annotations

from django.db import models


class PageDataQuerySet(models.QuerySet):
    def update(self, **kwargs):
        from qualification.page_changes import rows_to_update, scopes_changed

        scopes = rows_to_update(self, kwargs)
        count = super().update(**kwargs)
        if count:
            scopes_changed(scopes)
        return count

    def bulk_create(self, objs, *args, **kwargs):
        from qualification.page_changes import rows_written

        created = super().bulk_create(objs, *args, **kwargs)
        rows_written(self.model, created)
        return created
