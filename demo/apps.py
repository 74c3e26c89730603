from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo world (`load_demo`) and the scale data of the benchmarks (`load_scale`).
    Nothing in the product imports it."""

    name = "demo"
    verbose_name = "Demo and scale data"
