from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "phaseout.reference"
    verbose_name = "参考数据"
