from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "phaseout.standards"
    verbose_name = "综合标准"
