"""Who may open the portal's own pages (versions, people): each page module asks here."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from qualification.rules import is_portal_admin


def portal_admin_required(view):
    """The view is for portal admins; anyone else signed in is refused (403)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_portal_admin(request.user):
            raise PermissionDenied(_("Only portal admins can open this page."))
        return view(request, *args, **kwargs)

    return wrapper
