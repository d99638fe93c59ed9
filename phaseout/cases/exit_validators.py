"""Checks of the exit of a line (T2, T3, W2), apart from the writes: the fields an exit step
takes, who may sign an acceptance, what completing the exit still needs, and the edge
requirement EXIT_CHECKS (workflow.py) that the transition function verifies on every exit
step, whoever asks for it: `exit_missing`."""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.accounts.scope import scope_of
from phaseout.cases.errors import ExitError
from phaseout.cases.models import Case, Deadline, Evidence, ExitItem, ExitRecord, Reinspection
from phaseout.cases.schedule import param
from phaseout.cases.workflow import State, allowed

# The announcement is published on the provincial government's website (T2).
PROVINCIAL_SITE = "gd.gov.cn"

SEALING_ITEMS = (
    ExitItem.Kind.WATER_CUT,
    ExitItem.Kind.POWER_CUT,
    ExitItem.Kind.POWER_UNITS_REMOVED,
    ExitItem.Kind.MAIN_EQUIPMENT_SEALED,
)
ITEMS_OF = {
    ExitRecord.Method.DISMANTLE: (ExitItem.Kind.MAIN_EQUIPMENT_DISMANTLED,),
    # A sealed line is dismantled later, so its record takes that measure too.
    ExitRecord.Method.SEAL: (*SEALING_ITEMS, ExitItem.Kind.MAIN_EQUIPMENT_DISMANTLED),
}


# --- the fields of an exit step --------------------------------------------------------------


def check_date(value, label: str, name: str, *, not_before: dt.date | None = None) -> None:
    if not isinstance(value, dt.date):
        raise ExitError(_("%(f)s: give a date.") % {"f": label}, name)
    if value > timezone.localdate():
        raise ExitError(
            _("%(f)s: %(d)s is in the future; give the day it happened.")
            % {"f": label, "d": value.isoformat()},
            name,
        )
    if not_before is not None and value < not_before:
        raise ExitError(
            _(
                "%(f)s: %(d)s is before the last exit measure (%(b)s); the "
                "acceptance follows the measures it accepts."
            )
            % {"f": label, "d": value.isoformat(), "b": not_before.isoformat()},
            name,
        )


def check_text(value: str, label: str, name: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ExitError(_("%(f)s: this cannot be empty.") % {"f": label}, name)
    return value


def check_evidence(case: Case, evidence, label: str, name: str) -> Evidence:
    if evidence is None:
        raise ExitError(
            _("%(f)s: attach a dated evidence file (photo or PDF) of this case.") % {"f": label},
            name,
        )
    if evidence.case_id != case.pk:
        raise ExitError(
            _("%(f)s: the file “%(e)s” belongs to another case.")
            % {"f": label, "e": evidence.description},
            name,
        )
    return evidence


def check_provincial_url(url: str) -> str:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ExitError(
            _("Announcement URL: give the full address of the announcement (https://…)."), "url"
        ) from exc
    host = (urlsplit(url).hostname or "").lower()
    if host != PROVINCIAL_SITE and not host.endswith("." + PROVINCIAL_SITE):
        raise ExitError(
            _(
                "Announcement URL: the announcement must be on the provincial "
                "government's website (%(site)s); %(host)s is not."
            )
            % {"site": PROVINCIAL_SITE, "host": host},
            "url",
        )
    return url


def check_signatory(case: Case, official, label: str, name: str) -> None:
    """A signatory of the acceptance: `Scope.may_cosign` (a handling official of the case's
    department or of the leading department, in the case's region, active)."""
    if official is None:
        raise ExitError(_("%(f)s: choose the official who signed.") % {"f": label}, name)
    if not scope_of(official).may_cosign(case):
        raise ExitError(
            _(
                "%(f)s: %(u)s is not an active case official of %(d)s or of the "
                "industry department in this region."
            )
            % {"f": label, "u": official, "d": case.department.name},
            name,
        )


# --- where the exit stands -------------------------------------------------------------------


def may_start_exit(case: Case) -> bool:
    return case.state != State.SEALED and State.DISMANTLED in allowed(case.path, case.state)


def exit_under_way(case: Case) -> bool:
    return may_start_exit(case) or case.state == State.SEALED


def exit_current(case: Case) -> ExitRecord | None:
    """The case's newest exit round, or None before an exit is planned."""
    return case.exits.order_by("-round").first()


def current_or_refuse(case: Case) -> ExitRecord:
    record = exit_current(case)
    if record is None:
        raise ExitError(_("Choose the exit method first (dismantle or seal)."), "method")
    return record


def reinspection_due(case: Case) -> Deadline | None:
    """The next re-inspection deadline not yet met."""
    return (
        case.deadlines.filter(
            kind=Deadline.Kind.REINSPECTION, met_on__isnull=True, cancelled_on__isnull=True
        )
        .order_by("due_on", "id")
        .first()
    )


def reinspection_window_opens(deadline: Deadline) -> dt.date:
    """The first day a re-inspection counts as the scheduled one due on `deadline.due_on`:
    `procedure.reinspection_early_days` before it (T3: the re-inspections are spread over
    the years after the exit, not recorded at once)."""
    return deadline.due_on - dt.timedelta(days=param("reinspection_early_days", deadline.due_on))


def reinspection_counts(deadline: Deadline | None, inspected_on: dt.date) -> bool:
    """A re-inspection on `inspected_on` stands for the scheduled one (meets the deadline)."""
    return deadline is not None and inspected_on >= reinspection_window_opens(deadline)


def last_failed_reinspection(case: Case) -> Reinspection | None:
    return (
        case.reinspections.filter(result=Reinspection.Result.FAILED)
        .select_related("evidence")
        .order_by("-inspected_on", "-id")
        .first()
    )


@dataclass
class ExitCheck:
    """What completing the exit leads to, and what is still missing for it."""

    to: str
    missing: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.missing

    @property
    def label(self) -> str:
        return str(State(self.to).label)


def exit_check(case: Case, record: ExitRecord) -> ExitCheck:
    """The target state of completing the exit and the measures, pledge and announcement
    still missing (a read; nothing is written)."""
    dismantling = case.state == State.SEALED or record.method == ExitRecord.Method.DISMANTLE
    check = ExitCheck(State.DISMANTLED if dismantling else State.SEALED)
    needed = (ExitItem.Kind.MAIN_EQUIPMENT_DISMANTLED,) if dismantling else SEALING_ITEMS
    done = {}
    for item in record.items.select_related("evidence"):
        done.setdefault(item.kind, item)
    for kind in needed:
        if kind in done:
            check.evidence.append(done[kind].evidence)
        else:
            check.missing.append(
                _("%(k)s (with dated evidence)") % {"k": ExitItem.Kind(kind).label}
            )
    if not dismantling:
        if not (record.pledge_text and record.pledge_on):
            check.missing.append(_("the enterprise's public pledge not to resume production"))
        if not (record.announcement_text and record.announcement_on and record.announcement_url):
            check.missing.append(_("the announcement on the provincial website"))
    return check


# --- the edge requirement EXIT_CHECKS ---------------------------------------------------------


def _measures_missing(case: Case, to: str, record: ExitRecord | None) -> list[str]:
    if record is None:
        return [_("the exit method (dismantle or seal) and its measures")]
    check = exit_check(case, record)
    if check.to != to:
        return [_("an exit that leads to “%(to)s” (this one leads to “%(other)s”)")
                % {"to": State(to).label, "other": check.label}]
    return check.missing


def _acceptance_missing(case: Case, to: str, record: ExitRecord | None) -> list[str]:
    if record is None or not record.acceptances.exists():
        return [_("the on-site acceptance recorded with its two signatories")]
    return []


def _archive_missing(case: Case, to: str, record: ExitRecord | None) -> list[str]:
    if record is None or record.archived_on is None:
        return [_("the archive of the accepted exit")]
    return []


def _reinspections_missing(case: Case, to: str, record: ExitRecord | None) -> list[str]:
    if reinspection_due(case) is not None:
        return [_("every scheduled re-inspection, passed")]
    return []


def _failure_missing(case: Case, to: str, record: ExitRecord | None) -> list[str]:
    if last_failed_reinspection(case) is None:
        return [_("a failed re-inspection recorded with its evidence")]
    return []


# Per target state of an exit step: what its records must show.
_EXIT_RECORDS = {
    State.DISMANTLED: _measures_missing,
    State.SEALED: _measures_missing,
    State.ACCEPTED: _acceptance_missing,
    State.REINSPECTION: _archive_missing,
    State.EXITED: _reinspections_missing,
    State.EXIT_ORDERED: _failure_missing,
}


def exit_missing(case: Case, to: str) -> list[str]:
    """What the exit's records still lack for the step to `to` (empty: nothing)."""
    check = _EXIT_RECORDS.get(to)
    return check(case, to, exit_current(case)) if check is not None else []
