from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project itself and the pages that compose the other apps (home, the programme's
    dashboard and exports, people administration, the qualification page)."""

    name = "portal"
    verbose_name = "Portal"
