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
from phaseout.audit.models import AuditEntry
from phaseout.audit.services import audit_record
from phaseout.cases.opening import cases_open_from_run
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
SHOWCASE = [
    {
        "key": "shaoguan-steel",
        "serial": 99_000_001,
        "county_code": "440205",
        "name": "韶关曲江粤北钢铁有限公司",
        "industry": "steel",
        "legal_representative": "黄志强",
        "address": "广东省韶关市曲江区马坝镇钢铁大道8号",
        "latitude": 24.68,
        "longitude": 113.60,
        "lines": [
            {
                "line_code": "BF1",
                "equipment_type": "blast-furnace",
                "size": 1080,
                "capacity": 97,
                "energy": ("process-energy", 392),
            },
            # Small blast furnace, kept only because it is registered for foundry iron.
            {
                "line_code": "BF2",
                "equipment_type": "blast-furnace",
                "size": 380,
                "capacity": 32,
                "registered_use": "foundry_iron",
                "energy": ("process-energy", 441),
            },
            {"line_code": "BOF1", "equipment_type": "converter", "size": 120, "capacity": 130},
            # An induction furnace is registered with its transformer rating (T5).
            {
                "line_code": "IF1",
                "equipment_type": "induction-furnace",
                "size": 5,
                "second_size": 4000,
                "capacity": 3,
                "energy": ("process-energy", 101),
            },
        ],
        "licences": [("production", "XK05-001-00441"), ("discharge", "{uscc}001P")],
    },
    {
        "key": "yunfu-cement",
        "serial": 99_000_002,
        "county_code": "445303",
        "name": "云浮云安石山水泥厂有限公司",
        "industry": "cement",
        "legal_representative": "陈建国",
        "address": "广东省云浮市云安区六都镇石山工业园3号",
        "latitude": 23.07,
        "longitude": 112.00,
        "lines": [
            {
                "line_code": "SK1",
                "equipment_type": "shaft-kiln",
                "size": 300,
                "capacity": 9,
                "status": "rectifying",
                "energy": ("clinker-power", 88.5),
            },
            {
                "line_code": "CM1",
                "equipment_type": "cement-mill",
                "size": 60,
                "capacity": 43,
                "energy": ("cement-power", 41.2),
            },
        ],
        "licences": [("production", "XK08-001-05311"), ("discharge", "{uscc}001P")],
    },
    {
        "key": "qingyuan-glass",
        "serial": 99_000_003,
        "county_code": "441802",
        "name": "清远清城明光玻璃有限公司",
        "industry": "flat-glass",
        "legal_representative": "李秀英",
        "address": "广东省清远市清城区石角镇玻璃路12号",
        "latitude": 23.58,
        "longitude": 113.02,
        "lines": [
            {
                "line_code": "PL1",
                "equipment_type": "flat-draw-line",
                "size": 80,
                "capacity": 48,
                "commissioned_on": "1996-08-01",
                "energy": ("glass-energy", 22.4),
            },
            {
                "line_code": "FL1",
                "equipment_type": "float-line",
                "size": 600,
                "capacity": 420,
                "energy": ("glass-energy", 14.1),
            },
        ],
        "licences": [("discharge", "{uscc}001P")],
    },
    {
        "key": "zhanjiang-aluminium",
        "serial": 99_000_004,
        "county_code": "440811",
        "name": "湛江麻章南海铝业有限公司",
        "industry": "aluminium",
        "legal_representative": "梁海涛",
        "address": "广东省湛江市麻章区临港工业园铝业路1号",
        "latitude": 21.26,
        "longitude": 110.33,
        "lines": [
            {
                "line_code": "PB1",
                "equipment_type": "prebaked-cell-series",
                "size": 400,
                "capacity": 32,
                "energy": ("al-ac-power", 13720),
            },
            {
                "line_code": "ZB1",
                "equipment_type": "soderberg-cell-series",
                "size": 100,
                "capacity": 6,
                "status": "sealed",
                "commissioned_on": "1993-05-01",
            },
        ],
        "licences": [("discharge", "{uscc}001P"), ("safety", "(粤)AQ2021-{uscc}")],
    },
    {
        "key": "maoming-power",
        "serial": 99_000_005,
        "county_code": "440904",
        "name": "茂名电白滨海热电有限公司",
        "industry": "coal-power",
        "legal_representative": "吴伟",
        "address": "广东省茂名市电白区水东湾电厂路2号",
        "latitude": 21.50,
        "longitude": 111.01,
        "lines": [
            {
                "line_code": "U1",
                "equipment_type": "coal-fired-unit",
                "size": 600,
                "capacity": 600,
                "energy": ("coal-consumption", 298),
            },
            {
                "line_code": "U2",
                "equipment_type": "coal-fired-unit",
                "size": 50,
                "capacity": 50,
                "status": "emergency_reserve",
                "commissioned_on": "1998-12-01",
                "energy": ("coal-consumption", 372),
            },
        ],
        "licences": [("discharge", "{uscc}001P")],
    },
]

# username, role, department, (division code, level) or the showcase enterprise's key
ACCOUNTS = [
    ("admin", "administrator", "industry", ("440000", "province")),
    ("province-industry", "coordinator", "industry", ("440000", "province")),
    ("province-energy", "viewer", "energy", ("440000", "province")),
    ("shaoguan-industry", "coordinator", "industry", ("440200", "city")),
    ("shaoguan-ecology", "handler", "ecology-environment", ("440200", "city")),
    ("qujiang-industry", "handler", "industry", ("440205", "county")),
    ("guangzhou-market", "viewer", "market-regulation", ("440100", "city")),
    ("yunfu-industry", "coordinator", "industry", ("445300", "city")),
    ("shaoguan-steel", "enterprise", None, "shaoguan-steel"),
]


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
            action="user.superuser",
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
            action="registry.seed", object_id=f"seed-{DEMO_SEED}"
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
        self.stdout.write(f"{'username':<20} {'role':<14} office")
        for username, role, _department, _where in ACCOUNTS:
            user = users.get(username)
            office = user.office_title if user else "(missing)"
            self.stdout.write(f"{username:<20} {role:<14} {office}")
