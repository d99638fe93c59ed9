"""What an enterprise sends on its own case through the platform (item 7): its application
for an extension (the months it asks for and its reasons), its rectification report and
evidence files. Each is a case event of kind "submission" (data: what was sent), with the
file kept as evidence uploaded by the enterprise and tied to that event, so that no later
official step takes it for its own evidence; the officials of the case's department are
told. The case's state does not change: the handler records the request for an extension
(the step to "extension_requested") from the application, and so on."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.audit.actions import Action
from phaseout.audit.services import audit_record
from phaseout.cases.access import may_submit
from phaseout.cases.errors import CaseError
from phaseout.cases.evidence import evidence_attach
from phaseout.cases.history import case_event
from phaseout.cases.models import Case, CaseEvent, Evidence, SubmissionKind
from phaseout.cases.notices import notify
from phaseout.cases.schedule import extension_check
from phaseout.cases.transitions import lock
from phaseout.cases.workflow import FINAL, State, edge

__all__ = ["CaseError", "submission_kinds", "submission_record"]

TEXT_MAX = 4000


def submission_kinds(case: Case) -> list[str]:
    """What the enterprise may send on the case now: nothing once it is finished; the
    application for an extension only where the path allows one from the present state and
    the period was never extended (30号: once)."""
    if case.closed_on is not None or case.state in FINAL:
        return []
    kinds = [SubmissionKind.REPORT, SubmissionKind.EVIDENCE]
    if edge(case.path, case.state, State.EXTENSION_REQUESTED) and not case.extension_used:
        kinds.insert(0, SubmissionKind.EXTENSION)
    return [str(k) for k in kinds]


def _checked_text(kind: str, text: str) -> str:
    text = (text or "").strip()
    if kind != SubmissionKind.EVIDENCE and not text:
        raise CaseError(_("Write the text of your %(what)s.")
                        % {"what": SubmissionKind(kind).label})
    return text[:TEXT_MAX]


@transaction.atomic
def submission_record(*, case: Case, actor, kind: str, text: str = "",
                      months: int | None = None, file=None, description: str = "",
                      taken_on: dt.date | None = None) -> CaseEvent:
    """Keep what the enterprise sent on its case and tell the department.

    Raises: CaseError when the account is not the case's enterprise, the kind cannot be sent
    in the case's state, the text or file is missing, the months are out of range or the
    file is refused.
    """
    locked = lock(case, None)
    if not may_submit(actor, locked):
        raise CaseError(_("Only the enterprise's own account sends submissions on its cases."))
    if kind not in submission_kinds(locked):
        raise CaseError(_("“%(what)s” cannot be sent while the case is in “%(state)s”.")
                        % {"what": SubmissionKind(kind).label if kind in SubmissionKind.values
                           else kind, "state": State(locked.state).label})
    text = _checked_text(kind, text)
    if kind == SubmissionKind.EXTENSION:
        extension_check(locked.path, months, timezone.localdate())
    else:
        months = None
    if kind == SubmissionKind.EVIDENCE and file is None:
        raise CaseError(_("Choose the evidence file to send."))
    event = case_event(locked, CaseEvent.Kind.SUBMISSION, actor, note=text[:500],
                       data={"submission": kind, "text": text, "months": months})
    item = None
    if file is not None:
        item = evidence_attach(case=locked, file=file, actor=actor,
                               description=(description or text or file.name)[:200],
                               taken_on=taken_on or timezone.localdate())
        Evidence.objects.filter(pk=item.pk).update(event=event)
    audit_record(actor=actor, action=Action.CASE_NOTE, object_type="case",
                 object_id=locked.number, after={"submission": kind, "months": months,
                                                 "evidence": item.pk if item else None})
    notify(case=locked, message=_("%(n)s: %(e)s sent “%(what)s” through the platform.")
           % {"n": locked.number, "e": locked.enterprise.name,
              "what": SubmissionKind(kind).label})
    return event
