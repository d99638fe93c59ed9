from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "phaseout.cases"
    verbose_name = "执法案件"
