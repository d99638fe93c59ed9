"""`phaseout demo`: loads the registry, showcase enterprises and accounts once, and never
creates accounts with the published password on a production setup by accident."""

import io

import pytest
from django.core.management import CommandError, call_command

from phaseout.accounts.models import User
from phaseout.audit.services import audit_verify
from phaseout.core.management.commands.demo import ACCOUNTS, DEMO_PASSWORD
from phaseout.registry.models import Enterprise, ProductionLine

pytestmark = pytest.mark.req("G1")


def _demo(*args) -> str:
    out = io.StringIO()
    call_command("demo", "--enterprises", "60", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    return settings


def test_it_loads_the_registry_and_the_showcase(db, debug):
    _demo()
    # 60 synthetic enterprises plus the five showcase ones.
    assert Enterprise.objects.count() == 65
    furnace = ProductionLine.objects.get(enterprise__name="韶关曲江粤北钢铁有限公司",
                                         line_code="IF1")
    assert (furnace.size, furnace.second_size) == (5, 4000)
    assert ProductionLine.objects.filter(equipment_type__code="shaft-kiln",
                                         enterprise__city__code="445300").exists()
    assert ProductionLine.objects.filter(equipment_type__code="flat-draw-line",
                                         enterprise__city__code="441800").exists()
    assert audit_verify().ok


@pytest.mark.parametrize(("username", "role", "division", "department"), [
    ("admin", "administrator", "440000", "industry"),
    ("province-energy", "viewer", "440000", "energy"),
    ("shaoguan-ecology", "handler", "440200", "ecology-environment"),
    # A county-level account: Qujiang district of Shaoguan.
    ("qujiang-industry", "handler", "440205", "industry"),
    ("guangzhou-market", "viewer", "440100", "market-regulation"),
])
def test_it_creates_accounts_with_their_role_and_office(db, debug, username, role, division,
                                                        department):
    _demo()
    user = User.objects.get(username=username)
    assert list(user.groups.values_list("name", flat=True)) == [role]
    assert (user.division.code, user.department.code) == (division, department)
    assert user.check_password(DEMO_PASSWORD)


def test_it_makes_the_admin_a_superuser(db, debug):
    _demo()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()


def test_it_gives_the_steel_works_an_enterprise_account(db, debug):
    _demo()
    user = User.objects.get(username="shaoguan-steel")
    assert user.enterprise.name == "韶关曲江粤北钢铁有限公司"
    assert user.division is None
    assert user.has_perm("registry.view_productionline")


def test_it_prints_the_accounts_and_the_password(db, debug):
    out = _demo()
    assert DEMO_PASSWORD in out
    for username, *_rest in ACCOUNTS:
        assert username in out
    assert "韶关市工业和信息化局" in out


def test_it_changes_nothing_the_second_time(db, debug):
    _demo()
    counts = (Enterprise.objects.count(), ProductionLine.objects.count(), User.objects.count())
    out = _demo()
    assert "nothing changed" in out
    assert (Enterprise.objects.count(), ProductionLine.objects.count(),
            User.objects.count()) == counts


def test_it_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        _demo()
    assert not User.objects.exists()
    assert not Enterprise.objects.exists()


def test_it_runs_without_debug_when_forced(db, settings):
    settings.DEBUG = False
    _demo("--force")
    assert User.objects.filter(username="province-industry").exists()


@pytest.mark.req("P1", "E5", "T2")
def test_it_has_the_officials_and_the_enterprise_account_every_showcase_case_needs(db, debug):
    from pathlib import Path

    from django.conf import settings

    from phaseout.accounts.scope import scope_of
    from phaseout.cases.models import Case
    from phaseout.core.demo_data import SHOWCASE

    _demo()
    names = [item["name"] for item in SHOWCASE]
    cases = list(Case.objects.filter(enterprise__name__in=names).select_related("enterprise"))
    assert {c.path for c in cases} >= {"energy", "eliminated"}
    people = [scope_of(u) for u in User.objects.filter(username__in=[a[0] for a in ACCOUNTS])]
    for case in cases:
        handlers = [s for s in people if s.may_handle(case) and not s.superuser]
        approvers = [s for s in handlers if s.may_decide(case)]
        assert handlers and approvers and len(handlers) >= 2, case.number
        assert len([s for s in people if s.may_cosign(case) and not s.superuser]) >= 2
        assert User.objects.filter(enterprise=case.enterprise).exists(), case.enterprise.name
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    for username, *_rest in ACCOUNTS:
        assert f"`{username}`" in readme, username
