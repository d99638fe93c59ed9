"""Every write to credit records and their outbox. Recording a missed exit and its push row
happen in the caller's transaction (the deadline consequence); `credit_push_attempt` claims one
due push by a conditional update, sends it through `client` outside any transaction, and
stores the outcome. Callers pass plain values, never a case."""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.audit.actions import Action
from phaseout.audit.services import audit_record
from phaseout.credit import client
from phaseout.credit.models import CreditPush, CreditRecord, SanctionDomain

# Backoff after a failed attempt: 1 minute doubled per attempt, at most one day.
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(days=1)


class Outcome(StrEnum):
    """What one attempt to push did."""

    SENT = "sent"
    RETRY = "retry"  # will be tried again after the backoff
    REFUSED = "refused"  # the platform refused the data: an official must correct it
    SKIPPED = "skipped"  # claimed by another worker, or not due


AUDIT_ACTIONS = {Outcome.SENT: Action.CREDIT_PUSH_SENT,
                 Outcome.RETRY: Action.CREDIT_PUSH_FAILED_ATTEMPT,
                 Outcome.REFUSED: Action.CREDIT_PUSH_REFUSED}
# Statuses the platform may answer to a good request that it cannot take right now.
RETRYABLE_4XX = {408, 429}


class CreditError(Exception):
    """A credit action that cannot be taken; the message says why."""


def backoff(attempts: int) -> dt.timedelta:
    """Delay before the next attempt once `attempts` attempts have failed (attempts ≥ 1)."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def _key(record: CreditRecord, kind: str) -> str:
    return f"phaseout-credit-{record.pk}-{kind}"


def _enqueue(record: CreditRecord, kind: str, payload: dict) -> CreditPush:
    now = timezone.now()
    return CreditPush.objects.create(record=record, kind=kind, payload=payload,
                                     idempotency_key=_key(record, kind), created_at=now,
                                     next_attempt_at=now)


def _record_payload(record: CreditRecord) -> dict:
    return {"type": "dishonesty_record", "source": "phaseout", "record_id": record.pk,
            "uscc": record.uscc, "name": record.name, "case_number": record.case_number,
            "missed_deadline": record.missed_deadline.isoformat(), "reason": record.reason,
            "domains": list(record.domains), "recorded_at": record.created_at.isoformat()}


@transaction.atomic
def credit_record_missed_exit(*, enterprise_id: int, uscc: str, name: str, case_number: str,
                              deadline: dt.date, domains: list[str] | None = None,
                              actor=None) -> CreditRecord:
    """Record that the enterprise missed its exit deadline and queue the push (W2); return the
    record already in force for the case if there is one.

    Raises: CreditError for an unknown sanction domain.
    """
    domains = list(domains) if domains is not None else list(SanctionDomain.values)
    unknown = sorted(set(domains) - set(SanctionDomain.values))
    if unknown:
        raise CreditError(_("Unknown restricted domains: %(d)s.") % {"d": ", ".join(unknown)})
    existing = CreditRecord.objects.filter(case_number=case_number,
                                           repaired_at__isnull=True).first()
    if existing is not None:
        return existing
    reason = _("Missed the exit deadline of %(due)s (case %(number)s).") % {
        "due": deadline.isoformat(), "number": case_number}
    try:
        with transaction.atomic():
            record = CreditRecord.objects.create(
                enterprise_id=enterprise_id, uscc=uscc, name=name, case_number=case_number,
                missed_deadline=deadline, reason=reason, domains=domains,
                created_at=timezone.now())
    except IntegrityError:
        # Recorded by a concurrent sweep at the same moment: that record stands.
        return CreditRecord.objects.get(case_number=case_number, repaired_at__isnull=True)
    push = _enqueue(record, CreditPush.Kind.RECORD, _record_payload(record))
    audit_record(actor=actor, action=Action.CREDIT_RECORD, object_type="credit_record",
                 object_id=record.pk, after={"uscc": uscc, "case": case_number,
                                             "deadline": deadline, "domains": domains,
                                             "push": push.idempotency_key})
    return record


@transaction.atomic
def credit_repair_for_case(*, case_number: str, reason: str = "",
                           actor=None) -> CreditRecord | None:
    """End the record in force for the case (the enterprise exited or rectified) and queue the
    repair push; None when the case has no record in force."""
    record = (CreditRecord.objects.select_for_update()
              .filter(case_number=case_number, repaired_at__isnull=True).first())
    if record is None:
        return None
    record.repaired_at = timezone.now()
    record.repair_reason = reason or _("Case %(number)s was closed after the enterprise "
                                       "exited or rectified.") % {"number": case_number}
    record.save(update_fields=["repaired_at", "repair_reason"])
    payload = {"type": "credit_repair", "source": "phaseout", "record_id": record.pk,
               "uscc": record.uscc, "case_number": record.case_number,
               "repaired_at": record.repaired_at.isoformat(), "reason": record.repair_reason,
               "original_key": _key(record, CreditPush.Kind.RECORD)}
    push = _enqueue(record, CreditPush.Kind.REPAIR, payload)
    audit_record(actor=actor, action=Action.CREDIT_REPAIR, object_type="credit_record",
                 object_id=record.pk, after={"case": case_number, "reason": record.repair_reason,
                                             "push": push.idempotency_key})
    return record


@transaction.atomic
def credit_push_retry(*, push: CreditPush, actor) -> CreditPush:
    """Queue a push the platform refused again, after an official corrected the cause.

    Raises: CreditError unless the push was refused.
    """
    locked = CreditPush.objects.select_for_update().get(pk=push.pk)
    if locked.status != CreditPush.Status.FAILED_PERMANENTLY:
        raise CreditError(_("Only a push the platform refused can be sent again; this one is "
                            "“%(s)s”.") % {"s": locked.get_status_display()})
    before = {"status": locked.status, "attempts": locked.attempts, "error": locked.last_error}
    locked.status = CreditPush.Status.PENDING
    locked.attempts = 0
    locked.next_attempt_at = timezone.now()
    locked.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit_record(actor=actor, action=Action.CREDIT_PUSH_REQUEUE, object_type="credit_push",
                 object_id=locked.idempotency_key, before=before,
                 after={"status": CreditPush.Status.PENDING})
    return locked


@dataclass(frozen=True)
class Attempt:
    """What one attempt did (an `Outcome`), with the platform's status and error."""

    outcome: Outcome
    status: int | None = None
    error: str = ""


def _lease() -> dt.timedelta:
    # Long enough for one request to finish; a worker that dies mid-send frees the row after it.
    return dt.timedelta(seconds=2 * settings.CREDIT_TIMEOUT_SECONDS + 60)


def _claim(push_id: int, now: dt.datetime) -> bool:
    return CreditPush.objects.filter(
        id=push_id, status=CreditPush.Status.PENDING, next_attempt_at__lte=now,
    ).update(next_attempt_at=now + _lease()) == 1


def _store(push: CreditPush, result: Attempt, reply: client.Reply | None) -> Attempt:
    now = timezone.now()
    attempts = push.attempts + 1
    fields: dict = {"attempts": attempts}
    if result.outcome == Outcome.SENT:
        fields.update(status=CreditPush.Status.SENT, sent_at=now, receipt=reply.body,
                      last_error="")
    elif result.outcome == Outcome.RETRY and attempts < settings.CREDIT_MAX_ATTEMPTS:
        fields.update(next_attempt_at=now + backoff(attempts), last_error=result.error[:500])
    else:
        if result.outcome == Outcome.RETRY:
            result = Attempt(Outcome.REFUSED, result.status,
                             _("Gave up after %(n)d attempts: %(e)s")
                             % {"n": attempts, "e": result.error})
        fields.update(status=CreditPush.Status.FAILED_PERMANENTLY, last_error=result.error[:500],
                      receipt=reply.body if reply is not None else None)
    with transaction.atomic():
        CreditPush.objects.filter(pk=push.pk, status=CreditPush.Status.PENDING).update(**fields)
        audit_record(actor=None, action=AUDIT_ACTIONS[result.outcome], object_type="credit_push",
                     object_id=push.idempotency_key,
                     after={"attempts": attempts, "http_status": result.status,
                            "error": result.error[:300]})
    return result


def _judge(reply: client.Reply) -> Attempt:
    if 200 <= reply.status < 300:
        return Attempt(Outcome.SENT, reply.status)
    error = _("HTTP %(code)d: %(body)s") % {"code": reply.status, "body": str(reply.body)[:300]}
    if reply.status >= 500 or reply.status in RETRYABLE_4XX:
        return Attempt(Outcome.RETRY, reply.status, error)
    # The platform refused the data itself: sending it again cannot help; an official must
    # correct the record (wrong USCC, missing field) and send it again.
    return Attempt(Outcome.REFUSED, reply.status, error)


def credit_push_attempt(*, push_id: int, now: dt.datetime | None = None) -> Attempt:
    """Claim one due push and send it once; store the receipt, or schedule the next attempt
    with backoff, or mark it refused. Safe to run in several workers at once."""
    now = now or timezone.now()
    if not _claim(push_id, now):
        return Attempt(Outcome.SKIPPED)
    push = CreditPush.objects.get(pk=push_id)
    try:
        reply = client.post_json(settings.CREDIT_PLATFORM_URL, push.payload,
                                 token=settings.CREDIT_PLATFORM_TOKEN,
                                 idempotency_key=push.idempotency_key,
                                 timeout=settings.CREDIT_TIMEOUT_SECONDS)
    except client.Unreachable as exc:
        return _store(push, Attempt(Outcome.RETRY, None, _("Platform unreachable: %(e)s")
                                    % {"e": exc}), None)
    return _store(push, _judge(reply), reply)
