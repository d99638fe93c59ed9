"""Evidence files attached to a case (site photos, scanned records). A file is checked by
lib.evidence and kept on the case, not yet tied to a step; `case_transition` ties the
unattached files to the step it takes."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.audit.actions import Action
from phaseout.audit.services import audit_record
from phaseout.cases.models import Case, Evidence
from phaseout.cases.services import CaseError
from phaseout.lib.evidence import evidence_error


@transaction.atomic
def evidence_attach(*, case: Case, file, description: str, taken_on: dt.date, actor) -> Evidence:
    """Keep an evidence file on the case.

    Raises: CaseError when the file is refused (type, size, content) or dated in the future.
    """
    why = evidence_error(file)
    if why is not None:
        raise CaseError(why)
    if taken_on > timezone.localdate():
        raise CaseError(_("The date the evidence was taken (%(d)s) is in the future.")
                        % {"d": taken_on.isoformat()})
    item = Evidence.objects.create(case=case, file=file, description=description.strip()
                                   or file.name, taken_on=taken_on, uploaded_by=actor)
    audit_record(actor=actor, action=Action.CASE_EVIDENCE, object_type="case",
                 object_id=case.number, after={"evidence": item.pk, "file": item.file.name,
                        "description": item.description, "taken_on": taken_on})
    return item
