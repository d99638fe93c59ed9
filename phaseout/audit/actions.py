"""Every action the audit trail records, defined once with its label. `audit_record`
refuses an action that is not listed here, so the list is complete by construction; pages
show the label (Chinese by default), the stored code stays stable for queries and exports.

Codes are `<object>.<verb>`; add a member here (and its zh_Hans translation) before a new
service records it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    # reference data and accounts
    INDUSTRY_SCOPE_ADD = "industry_scope.add", _("Industry added to a city's scope")
    USER_CREATE = "user.create", _("User created")
    USER_SUPERUSER = "user.superuser", _("Superuser created")
    TOKEN_CREATE = "token.create", _("API token created")
    # registry
    ENTERPRISE_CREATE = "enterprise.create", _("Enterprise registered")
    ENTERPRISE_UPDATE = "enterprise.update", _("Enterprise changed")
    LINE_CREATE = "line.create", _("Production line registered")
    LINE_UPDATE = "line.update", _("Production line changed")
    LINE_STATUS = "line.status", _("Production line status changed")
    INDICATOR_RECORD = "indicator.record", _("Indicator recorded")
    LICENCE_CREATE = "licence.create", _("Licence recorded")
    LICENCE_UPDATE = "licence.update", _("Licence changed")
    VIOLATION_RECORD = "violation.record", _("Violation recorded")
    VIOLATION_RESOLVE = "violation.resolve", _("Violation resolved")
    REGISTRY_SEED = "registry.seed", _("Synthetic registry generated")
    # standards
    ASSESSMENT_REQUEST = "assessment.request", _("Assessment requested")
    ASSESSMENT_RUN = "assessment.run", _("Assessment run")
    # cases
    CASE_OPEN = "case.open", _("Case opened")
    CASE_PROPOSE = "case.propose", _("Step proposed for approval")
    CASE_TRANSITION = "case.transition", _("Case step taken")
    CASE_REJECT = "case.reject", _("Proposal declined")
    CASE_EVIDENCE = "case.evidence", _("Evidence attached")
    CASE_NOTE = "case.note", _("Case noted")
    DEADLINE_OVERDUE = "deadline.overdue", _("Deadline passed")
    EXIT_PLAN = "exit.plan", _("Exit method chosen")
    EXIT_ITEM = "exit.item", _("Exit measure recorded")
    EXIT_PLEDGE = "exit.pledge", _("Enterprise pledge recorded")
    EXIT_ANNOUNCE = "exit.announce", _("Exit announced")
    EXIT_COMPLETE = "exit.complete", _("Exit completed")
    EXIT_ACCEPTANCE = "exit.acceptance", _("On-site acceptance recorded")
    EXIT_ARCHIVE = "exit.archive", _("Exit archived")
    REINSPECTION_RECORD = "reinspection.record", _("Re-inspection recorded")
    # sinks and readers
    CREDIT_RECORD = "credit.record", _("Credit record made")
    CREDIT_REPAIR = "credit.repair", _("Credit repaired")
    CREDIT_PUSH_SENT = "credit.push_sent", _("Credit record sent")
    CREDIT_PUSH_FAILED_ATTEMPT = "credit.push_failed_attempt", _("Credit push attempt failed")
    CREDIT_PUSH_REFUSED = "credit.push_refused", _("Credit record refused by the platform")
    CREDIT_PUSH_REQUEUE = "credit.push_requeue", _("Credit push queued again")
    LIST_PUBLISH = "list.publish", _("List published")
    LIST_WITHDRAW = "list.withdraw", _("List withdrawn")
    DOCUMENT_ISSUE = "document.issue", _("Official document issued")


class UnknownAction(ValueError):
    def __init__(self, action: str):
        super().__init__(f"The audit action {action!r} is not in phaseout/audit/actions.py; "
                         "add it there (with its label) before recording it.")


# The kinds of record an entry is about, as people read them.
OBJECT_LABELS = {
    "api_token": _("API token"), "assessment_run": _("Assessment run"), "case": _("Case"),
    "credit_push": _("Credit push"), "credit_record": _("Credit record"),
    "document": _("Official document"), "enterprise": _("Enterprise"),
    "indicator": _("Indicator"), "industry_scope": _("Industry scope"),
    "licence": _("Licence"), "line": _("Production line"), "list_snapshot": _("Published list"),
    "registry": _("Registry"), "user": _("User"), "violation": _("Violation"),
}
