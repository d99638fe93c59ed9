"""Reference data: the division codes, departments and industry catalogue loaded from the
files, and the industries each year's work covers (G1)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from phaseout.audit.models import AuditEntry
from phaseout.audit.services import audit_verify
from phaseout.reference.models import Department, Division, EquipmentType, Industry, IndustryScope
from phaseout.reference.selectors import city_list, county_list, industry_list_for_year, province
from phaseout.reference.services import industry_scope_add

pytestmark = pytest.mark.django_db

PROVINCE_INDUSTRIES = ["steel", "cement", "aluminium", "flat-glass", "coal-power"]


def _city(code: str) -> Division:
    return Division.objects.get(code=code, level=Division.Level.CITY)


@pytest.mark.req("P1")
def test_it_loads_the_divisions_of_guangdong():
    assert province().code == "440000"
    assert city_list().count() == 21
    assert county_list().count() == 124
    assert Division.objects.filter(level=Division.Level.TOWN).count() > 1500
    shaoguan = _city("440200")
    assert set(county_list(city=shaoguan).values_list("code", flat=True)) >= {"440205", "440229"}
    assert Division.objects.get(code="440205", level="county").city == shaoguan


@pytest.mark.req("P1")
@pytest.mark.parametrize(("code", "name"), [("441900", "东莞市"), ("442000", "中山市")])
def test_it_keeps_cities_without_counties_at_both_levels(code, name):
    city = Division.objects.get(code=code, level=Division.Level.CITY)
    county = Division.objects.get(code=code, level=Division.Level.COUNTY)
    assert city.name == county.name == name
    assert county.parent == city
    assert county.city == city
    towns = Division.objects.filter(level=Division.Level.TOWN, parent=county)
    assert towns.exists()
    assert all(t.code.startswith(code) for t in towns)


@pytest.mark.req("P1")
def test_it_changes_nothing_on_a_second_load_and_says_so():
    before = (Division.objects.count(), EquipmentType.objects.count(),
              IndustryScope.objects.count())
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert (Division.objects.count(), EquipmentType.objects.count(),
            IndustryScope.objects.count()) == before


@pytest.mark.req("P1")
def test_it_loads_the_seven_departments():
    assert set(Department.objects.values_list("code", flat=True)) == {
        "industry", "development-reform", "energy", "ecology-environment", "market-regulation",
        "emergency-management", "natural-resources"}
    industry = Department.objects.get(code="industry")
    assert industry.title_at(_city("440200")).startswith("韶关市")
    assert industry.title_at(None) == industry.province_title


@pytest.mark.req("G1")
def test_it_covers_the_five_provincial_industries_in_2023():
    codes = list(industry_list_for_year(year=2023).values_list("code", flat=True))
    assert codes == PROVINCE_INDUSTRIES
    guangzhou = list(industry_list_for_year(year=2023, city=_city("440100"))
                     .values_list("code", flat=True))
    assert guangzhou == PROVINCE_INDUSTRIES
    assert not industry_list_for_year(year=2019).exists()


@pytest.mark.req("G1")
def test_it_lets_a_city_add_an_industry_to_its_own_year():
    shaoguan, guangzhou = _city("440200"), _city("440100")
    IndustryScope.objects.create(year=2023, industry=Industry.objects.get(code="ceramics"),
                                 division=shaoguan, basis="韶关市2023年工作方案")
    assert industry_list_for_year(year=2023, city=shaoguan).count() == 6
    assert industry_list_for_year(year=2023, city=guangzhou).count() == 5
    assert industry_list_for_year(year=2024, city=shaoguan).count() == 5
    assert industry_list_for_year(year=2023).count() == 5


@pytest.mark.req("G1", "P1")
def test_it_records_a_city_addition_through_the_service_with_an_audit_entry(django_user_model):
    shaoguan = _city("440200")
    ferroalloy = Industry.objects.get(code="ferroalloy")
    official = django_user_model.objects.create_user("sg-planner", password="pw-planner-1")
    scope = industry_scope_add(year=2024, industry=ferroalloy, city=shaoguan,
                               basis="韶关市2024年工作方案", actor=official)
    assert "ferroalloy" in industry_list_for_year(year=2024, city=shaoguan).values_list(
        "code", flat=True)
    entry = AuditEntry.objects.get(action="industry_scope.add", object_id=str(scope.pk))
    assert entry.actor_label == "sg-planner"
    assert entry.after["industry"] == "ferroalloy"
    # Adding it again changes nothing and writes no second entry.
    again = industry_scope_add(year=2024, industry=ferroalloy, city=shaoguan, basis="重复",
                               actor=official)
    assert again.pk == scope.pk
    assert AuditEntry.objects.filter(action="industry_scope.add").count() == 1
    assert audit_verify().ok


@pytest.mark.req("G1")
def test_it_refuses_a_scope_for_a_county_or_without_a_basis():
    ceramics = Industry.objects.get(code="ceramics")
    with pytest.raises(ValidationError):
        industry_scope_add(year=2024, industry=ceramics,
                           city=Division.objects.get(code="440205", level="county"),
                           basis="曲江区方案", actor=None)
    with pytest.raises(ValidationError):
        industry_scope_add(year=2024, industry=ceramics, city=_city("440200"), basis=" ",
                           actor=None)
    assert not IndustryScope.objects.filter(industry=ceramics).exists()


@pytest.mark.req("T5")
def test_it_registers_induction_furnaces_with_a_kva_rating():
    furnace = EquipmentType.objects.get(code="induction-furnace")
    assert (furnace.size_unit, furnace.second_size_unit) == ("t", "kVA")
    assert furnace.industry.code == "steel"
