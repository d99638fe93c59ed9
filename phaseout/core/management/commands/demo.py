"""`phaseout demo`: a registry and accounts to click through (`make demo`).

Loads a synthetic registry of about 4,000 lines (seed 2023), a handful of hand-made
enterprises that show the cases the platform exists for (an induction furnace registered
with its kVA rating, a shaft kiln, a flat-draw glass line, Soderberg cells, a small coal
unit), one account per kind of official, and an assessment of the demo year with the
enforcement cases it opens. Running it again changes nothing and says so.
The accounts share one published password, so the command refuses to run when DEBUG is
off unless --force is given: a production database must never get known passwords.
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from phaseout.accounts.models import User
from phaseout.accounts.services import user_create
from phaseout.audit.actions import Action
from phaseout.audit.models import AuditEntry
from phaseout.audit.services import audit_record
from phaseout.cases.opening import cases_open_from_run
from phaseout.core.demo_data import ACCOUNTS, SHOWCASE
from phaseout.lib.ids import make_uscc
from phaseout.reference.models import Department, Division
from phaseout.registry.models import Enterprise
from phaseout.registry.seeding import SeedError, seed_registry
from phaseout.registry.services import (
    enterprise_create,
    indicator_record,
    licence_save,
    line_create,
)
from phaseout.registry.validation import (
    Lookups,
    clean_enterprise,
    clean_indicator,
    clean_licence,
    clean_line,
)
from phaseout.standards.models import AssessmentRun
from phaseout.standards.services import assessment_run

DEMO_PASSWORD = "phaseout-demo-2026"
DEMO_SEED = 2023
YEAR = 2023

# Serials from 99,000,001 up, far from what `phaseout seed` hands out for small seeds.
def _uscc(item: dict) -> str:
    return make_uscc(item["serial"], division_code=item["county_code"])


def _clean(cleaner, raw: dict, lookups: Lookups):
    data, errors = cleaner(raw, lookups)
    if errors:
        raise CommandError(f"Demo data does not pass the registry checks: {errors}")
    return data


@transaction.atomic
def _showcase_create(item: dict, lookups: Lookups) -> Enterprise:
    uscc = _uscc(item)
    fields = (
        "name",
        "county_code",
        "industry",
        "legal_representative",
        "address",
        "latitude",
        "longitude",
    )
    enterprise = enterprise_create(
        data=_clean(clean_enterprise, {"uscc": uscc, **{f: item[f] for f in fields}}, lookups),
        actor=None,
    )
    for spec in item["lines"]:
        raw = {
            "uscc": uscc,
            "commissioned_on": "2008-06-01",
            **{k: v for k, v in spec.items() if k != "energy"},
        }
        line = line_create(enterprise=enterprise, data=_clean(clean_line, raw, lookups), actor=None)
        if "energy" in spec:
            kind, value = spec["energy"]
            raw = {
                "uscc": uscc,
                "line_code": line.line_code,
                "year": YEAR,
                "kind": kind,
                "value": value,
                "unit": lookups.indicator_kinds[kind].unit,
                "source": "energy_supervision",
            }
            indicator_record(line=line, data=_clean(clean_indicator, raw, lookups), actor=None)
    for kind, number in item["licences"]:
        raw = {
            "uscc": uscc,
            "kind": kind,
            "number": number.format(uscc=uscc),
            "valid_from": "2021-03-01",
            "valid_until": "2026-02-28",
        }
        licence_save(enterprise=enterprise, data=_clean(clean_licence, raw, lookups), actor=None)
    return enterprise


@transaction.atomic
def _account_create(username: str, role: str, department: str | None, where) -> User:
    enterprise = division = None
    if isinstance(where, tuple):
        division = Division.objects.get(code=where[0], level=where[1])
    else:
        spec = next(item for item in SHOWCASE if item["key"] == where)
        enterprise = Enterprise.objects.get(uscc=_uscc(spec))
    user = user_create(
        username=username,
        password=DEMO_PASSWORD,
        role=role,
        actor=None,
        full_name=username,
        department=Department.objects.get(code=department) if department else None,
        division=division,
        enterprise=enterprise,
        is_staff=role == "administrator",
    )
    if role == "administrator":
        # The demo administrator also gets every admin-site permission.
        User.objects.filter(pk=user.pk).update(is_superuser=True)
        audit_record(
            actor=None,
            action=Action.USER_SUPERUSER,
            object_type="user",
            object_id=user.pk,
            after={"username": username, "is_superuser": True},
        )
    return user


class Command(BaseCommand):
    help = (
        "Load demo data: a synthetic registry (seed 2023), showcase enterprises and demo "
        "accounts sharing one published password. Idempotent. Refuses without DEBUG "
        "unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enterprises",
            type=int,
            default=1200,
            help="size of the synthetic registry (default 1200, ~4,000 lines)",
        )
        parser.add_argument(
            "--force", action="store_true", help="create the demo accounts even though DEBUG is off"
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off, so this may be a production database. The demo accounts share "
                "a published password; run with DEBUG=true, or pass --force if this really "
                "is a demo machine."
            )
        changes = (
            self._seed(options["enterprises"])
            + self._showcase()
            + self._accounts()
            + self._assessment_and_cases()
        )
        if changes:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({changes} additions)."))
        else:
            self.stdout.write("Demo data already loaded: nothing changed.")
        self._print_accounts()

    def _seed(self, enterprises: int) -> int:
        if AuditEntry.objects.filter(
            action=Action.REGISTRY_SEED, object_id=f"seed-{DEMO_SEED}"
        ).exists():
            return 0
        self.stdout.write(f"Seeding a synthetic registry of {enterprises:,} enterprises...")
        try:
            result = seed_registry(enterprises=enterprises, seed=DEMO_SEED, year=YEAR)
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"  {result.enterprises:,} enterprises, {result.lines:,} lines, "
            f"{result.indicators:,} indicators in {result.seconds:.1f} s"
        )
        return 1

    def _showcase(self) -> int:
        lookups, created = Lookups.load(), 0
        for item in SHOWCASE:
            if not Enterprise.objects.filter(uscc=_uscc(item)).exists():
                enterprise = _showcase_create(item, lookups)
                self.stdout.write(f"  showcase: {enterprise.name}")
                created += 1
        return created

    def _assessment_and_cases(self) -> int:
        """One assessment of the demo year and the cases it opens, so the workbench has work
        in it on first start; skipped once a run exists."""
        if AssessmentRun.objects.filter(status=AssessmentRun.Status.DONE).exists():
            return 0
        run = assessment_run(year=YEAR, as_of=dt.date(YEAR, 12, 31), actor=None)
        report = cases_open_from_run(run=run, actor=None)
        self.stdout.write(
            f"  assessment run #{run.pk}: {run.line_count:,} lines judged; "
            f"{report.created:,} enforcement cases opened"
        )
        return 1

    def _accounts(self) -> int:
        created = 0
        for username, role, department, where in ACCOUNTS:
            if not User.objects.filter(username=username).exists():
                _account_create(username, role, department, where)
                created += 1
        return created

    def _print_accounts(self) -> None:
        users = {
            u.username: u
            for u in User.objects.filter(username__in=[a[0] for a in ACCOUNTS]).select_related(
                "department", "division", "enterprise"
            )
        }
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
        width = max(len(a[0]) for a in ACCOUNTS) + 1
        self.stdout.write(f"{'username':<{width}} {'role':<14} office")
        for username, role, _department, _where in ACCOUNTS:
            user = users.get(username)
            office = user.office_title if user else "(missing)"
            self.stdout.write(f"{username:<{width}} {role:<14} {office}")
