from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "phaseout.standards"
    verbose_name = "综合标准"

    def ready(self):
        # The verdicts panel of the registry's line page (registry/panels.py).
        from phaseout.standards import panels  # noqa: F401
