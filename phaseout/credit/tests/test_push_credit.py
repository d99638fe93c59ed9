"""The credit push (W2): an enterprise that misses its exit deadline gets a credit record and
an outbox row in the same transaction as the deadline consequence; `push_credit` delivers it
to the provincial public credit platform (a fake one here) and nothing is lost while the
platform is down. When the exit is accepted, the record is repaired and that is pushed too."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from phaseout.audit.models import AuditEntry
from phaseout.cases.models import Case, Evidence
from phaseout.cases.services import case_open, case_transition
from phaseout.cases.tests.factories import exit_proven
from phaseout.credit import services
from phaseout.credit.models import CreditPush, CreditRecord, SanctionDomain
from phaseout.credit.services import backoff, credit_record_missed_exit
from phaseout.credit.tests.fake_platform import FakePlatform

OPENED = "2025-01-06 10:00 +08:00"
# The dismantling period is 6 months: due on 7 July 2025 (6 July is a Sunday).
AFTER_DEADLINE = dt.datetime(2025, 7, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def platform(settings):
    fake = FakePlatform().start()
    settings.CREDIT_PLATFORM_URL = fake.url
    settings.CREDIT_PLATFORM_TOKEN = "test-token"
    settings.CREDIT_TIMEOUT_SECONDS = 5
    yield fake
    fake.stop()


@pytest.fixture
def missed_exit(registry):
    """The Qujiang induction furnace, ordered to exit, misses its dismantling deadline; the
    sweep finds it."""
    with time_machine.travel(OPENED, tick=False):
        case, _ = case_open(line=registry["steel_if"], path="eliminated", source="inspection",
                            actor=None)
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        call_command("sweep", stdout=StringIO())
        call_command("sweep", stdout=StringIO())
    return Case.objects.get(pk=case.pk)


def _push_credit(at) -> str:
    out, err = StringIO(), StringIO()
    with time_machine.travel(at, tick=False):
        call_command("push_credit", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


@pytest.mark.req("W2")
@pytest.mark.parametrize("attempts, delay", [
    (1, dt.timedelta(minutes=1)),  # first failure: try again in a minute
    (2, dt.timedelta(minutes=2)),
    (5, dt.timedelta(minutes=16)),
    (11, dt.timedelta(minutes=1024)),  # about 17 hours
    (12, dt.timedelta(days=1)),  # 2048 minutes would be 34 hours: capped at a day
    (40, dt.timedelta(days=1)),
])
def test_it_backs_off_exponentially_up_to_a_day(attempts, delay):
    assert backoff(attempts) == delay


@pytest.mark.req("W2")
@pytest.mark.django_db
def test_it_records_a_missed_exit_once_with_its_push(missed_exit, registry):
    record = CreditRecord.objects.get()
    steel = registry["qujiang_steel"]
    assert (record.uscc, record.name, record.case_number) == (steel.uscc, steel.name,
                                                              missed_exit.number)
    assert record.missed_deadline == dt.date(2025, 7, 7)
    assert record.domains == list(SanctionDomain.values)
    push = CreditPush.objects.get()
    assert (push.kind, push.status, push.attempts) == ("record", "pending", 0)
    assert push.payload["uscc"] == steel.uscc and push.payload["domains"] == record.domains
    assert AuditEntry.objects.filter(action="credit.record").count() == 1
    # Recording again for the same case changes nothing.
    again = credit_record_missed_exit(enterprise_id=steel.pk, uscc=steel.uscc, name=steel.name,
                                      case_number=missed_exit.number,
                                      deadline=dt.date(2025, 7, 7))
    assert again == record and CreditPush.objects.count() == 1


@pytest.mark.req("W2")
@pytest.mark.django_db
def test_it_survives_an_outage_of_the_credit_platform(missed_exit, platform):
    platform.answers = [(500, {"error": "maintenance"})]
    first_run = AFTER_DEADLINE + dt.timedelta(hours=1)
    _push_credit(first_run)
    push = CreditPush.objects.get()
    assert (push.status, push.attempts) == ("pending", 1)
    assert push.next_attempt_at > first_run and "500" in push.last_error
    # Before the backoff has passed, nothing is sent.
    _push_credit(first_run + dt.timedelta(seconds=30))
    assert len(platform.requests) == 1
    _push_credit(first_run + dt.timedelta(minutes=3))
    push.refresh_from_db()
    assert push.status == "sent" and push.receipt == {"receipt": "GD-2"}
    assert push.sent_at is not None and push.attempts == 2
    keys = [r.headers["Idempotency-Key"] for r in platform.requests]
    assert keys == [push.idempotency_key, push.idempotency_key]
    assert platform.requests[0].headers["Authorization"] == "Bearer test-token"
    assert platform.requests[0].body == platform.requests[1].body == push.payload
    # Sent once and for all: running again sends nothing.
    _push_credit(first_run + dt.timedelta(days=2))
    assert len(platform.requests) == 2
    assert AuditEntry.objects.filter(action="credit.push_sent").count() == 1


@pytest.mark.req("W2")
@pytest.mark.django_db
def test_it_marks_a_push_the_platform_refuses_and_lets_an_official_send_it_again(
        missed_exit, platform, client, shaoguan_official, guangzhou_viewer):
    platform.answers = [(400, {"error": "uscc not found"})]
    _push_credit(AFTER_DEADLINE + dt.timedelta(hours=1))
    push = CreditPush.objects.get()
    assert push.status == "failed_permanently" and "uscc not found" in push.last_error
    _push_credit(AFTER_DEADLINE + dt.timedelta(days=3))
    assert len(platform.requests) == 1  # a refused push is not sent again by itself
    client.force_login(guangzhou_viewer)
    assert client.post(reverse("credit:push-retry", args=[push.pk])).status_code == 403
    client.force_login(shaoguan_official)
    page = client.get(reverse("credit:record-list"))
    assert page.status_code == 200 and missed_exit.number in page.content.decode()
    assert client.post(reverse("credit:push-retry", args=[push.pk])).status_code == 302
    push.refresh_from_db()
    assert (push.status, push.attempts) == ("pending", 0)
    _push_credit(timezone.now() + dt.timedelta(minutes=1))
    push.refresh_from_db()
    assert push.status == "sent" and len(platform.requests) == 2


@pytest.mark.req("W2")
@pytest.mark.django_db
def test_it_retries_when_the_platform_cannot_be_reached(missed_exit, settings):
    down = FakePlatform().start()
    settings.CREDIT_PLATFORM_URL = down.url
    down.stop()  # nobody listens on that port any more
    _push_credit(AFTER_DEADLINE + dt.timedelta(hours=1))
    push = CreditPush.objects.get()
    assert (push.status, push.attempts) == ("pending", 1)
    assert push.next_attempt_at > AFTER_DEADLINE and push.last_error


@pytest.mark.req("W2")
@pytest.mark.django_db
def test_it_gives_up_after_the_most_attempts_allowed(missed_exit, platform, settings):
    settings.CREDIT_MAX_ATTEMPTS = 2
    platform.answers = [(503, {}), (429, {})]
    _push_credit(AFTER_DEADLINE + dt.timedelta(hours=1))
    _push_credit(AFTER_DEADLINE + dt.timedelta(hours=2))
    push = CreditPush.objects.get()
    assert (push.status, push.attempts) == ("failed_permanently", 2)


@pytest.mark.req("W2")
@pytest.mark.django_db
def test_it_sends_nothing_when_the_platform_is_not_configured(missed_exit, settings):
    settings.CREDIT_PLATFORM_URL = ""
    output = _push_credit(AFTER_DEADLINE + dt.timedelta(hours=1))
    assert "not configured" in output
    assert CreditPush.objects.get().status == "pending"


@pytest.mark.req("W2")
@pytest.mark.django_db
def test_it_lets_only_one_worker_claim_a_push(missed_exit):
    push = CreditPush.objects.get()
    now = timezone.now()
    assert services._claim(push.pk, now) is True
    assert services._claim(push.pk, now) is False  # leased by the first worker
    assert services.credit_push_attempt(push_id=push.pk, now=now).outcome == "skipped"


@pytest.mark.req("W2")
@pytest.mark.django_db
def test_it_pushes_a_repair_when_the_exit_is_accepted(missed_exit, platform, settings,
                                                      tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _push_credit(AFTER_DEADLINE + dt.timedelta(hours=1))
    with time_machine.travel(AFTER_DEADLINE + dt.timedelta(days=5), tick=False):
        evidence = Evidence.objects.create(
            case=missed_exit, file=SimpleUploadedFile("photo.pdf", b"%PDF-1.4"),
            description="拆除后现场照片", taken_on=dt.date(2025, 7, 14))
        # The exit's records are built as data: they are not what this test is about
        # (cases/exits.py records them).
        exit_proven(missed_exit, "dismantled")
        case = case_transition(case=missed_exit, to="dismantled", actor=None,
                               evidence=[evidence])
        assert CreditRecord.objects.get().repaired_at is None
        exit_proven(case, "accepted")
        case_transition(case=case, to="accepted", actor=None, signatures=["甲", "乙"])
    record = CreditRecord.objects.get()
    assert record.repaired_at is not None
    repair = CreditPush.objects.get(kind="repair")
    assert repair.status == "pending" and repair.payload["type"] == "credit_repair"
    _push_credit(AFTER_DEADLINE + dt.timedelta(days=5, hours=1))
    repair.refresh_from_db()
    assert repair.status == "sent"
    assert platform.requests[-1].headers["Idempotency-Key"] == repair.idempotency_key
    assert platform.requests[-1].body["case_number"] == missed_exit.number
    assert AuditEntry.objects.filter(action="credit.repair").count() == 1
