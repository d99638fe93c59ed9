"""Official documents issued on a case (rectification notice, extension decision, closure
decision, on-site acceptance record), each a .docx and a PDF with a number of its
issuing office. A document is immutable once issued: a correction is a new document with
a new number, and the old one stays on file."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    RECTIFICATION_NOTICE = "rectification_notice", _("Rectification notice")
    EXTENSION_DECISION = "extension_decision", _("Extension decision")
    CLOSURE_DECISION = "closure_decision", _("Closure decision")
    ACCEPTANCE_RECORD = "acceptance_record", _("On-site acceptance record")


class DocumentCounter(models.Model):
    """The last serial used by an issuing office (department at a division) for one kind of
    document in one year. `document_issue` locks this row, so two officials issuing at the
    same moment get consecutive numbers, never the same one."""

    department = models.ForeignKey("reference.Department", on_delete=models.PROTECT,
                                   related_name="+")
    division = models.ForeignKey("reference.Division", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=24, choices=DocumentKind.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["department", "division", "year", "kind"],
                                               name="document_counter_per_office_year_kind")]

    def __str__(self) -> str:
        return f"{self.department_id}/{self.division_id} {self.year} {self.kind}: {self.last}"


class OfficialDocument(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=24, choices=DocumentKind.choices)
    number = models.CharField(max_length=60, unique=True)
    # The issuing office and the parts of the number, kept apart for lists and checks.
    department = models.ForeignKey("reference.Department", on_delete=models.PROTECT,
                                   related_name="+")
    division = models.ForeignKey("reference.Division", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    issued_on = models.DateField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    docx = models.FileField(upload_to="documents/%Y/")
    pdf = models.FileField(upload_to="documents/%Y/")
    docx_sha256 = models.CharField(max_length=64)
    pdf_sha256 = models.CharField(max_length=64)
    # The facts printed in the document, as they were on the day it was issued.
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [models.UniqueConstraint(
            fields=["department", "division", "year", "kind", "serial"],
            name="document_serial_per_office_year_kind")]
        indexes = [models.Index(fields=["case", "kind"], name="document_case_kind")]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("An issued document is immutable; issue a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("An issued document stays on file; issue a correction instead.")
