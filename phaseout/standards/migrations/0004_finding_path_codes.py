"""Findings store the enforcement path in the words of standards.vocabulary.Path, the same
codes a case stores (they used to differ: energy_rectification / energy, exit / eliminated)."""

from django.db import migrations

RENAMED = {"energy_rectification": "energy", "environmental_restriction": "environment",
           "exit": "eliminated"}


def forward(apps, schema_editor):
    Finding = apps.get_model("standards", "Finding")
    for old, new in RENAMED.items():
        Finding.objects.filter(path=old).update(path=new)


def backward(apps, schema_editor):
    Finding = apps.get_model("standards", "Finding")
    for old, new in RENAMED.items():
        Finding.objects.filter(path=new).update(path=old)


class Migration(migrations.Migration):
    dependencies = [("standards", "0003_surcharge_rate_unknown")]
    operations = [migrations.RunPython(forward, backward)]
