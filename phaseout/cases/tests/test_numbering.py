"""Case numbers in the official form (numbering.py): place, department, 案, 〔year〕, serial,
号; counted per city, department and year; unique; old numbers kept and never reused."""

import datetime as dt

import pytest

from conftest import division
from phaseout.cases.models import Case
from phaseout.cases.numbering import case_numbers, place_abbreviation
from phaseout.cases.workflow import State
from phaseout.reference.models import Department, Division


def _case(line, number: str, department: Department) -> Case:
    """A case row with a given number (closed, so the same line can hold many)."""
    return Case.objects.create(
        number=number, path="energy", state=State.CLOSED_COMPLIANT, line=line,
        enterprise_id=line.enterprise_id, city_id=line.city_id, county_id=line.county_id,
        department=department, source=Case.Source.MANUAL, opened_on=dt.date(2026, 1, 5),
        closed_on=dt.date(2026, 1, 6))


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_writes_the_official_form():
    energy = Department.objects.get(code="energy")
    environment = Department.objects.get(code="ecology-environment")
    assert case_numbers(energy, division("440200"), 2026) == ["韶能源案〔2026〕1号"]
    assert case_numbers(environment, division("440100"), 2026, 3) == [
        "穗环案〔2026〕1号", "穗环案〔2026〕2号", "穗环案〔2026〕3号"]
    assert case_numbers(energy, division("441500"), 2026) == ["汕尾能源案〔2026〕1号"]


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_counts_past_nine_and_past_the_old_form(registry):
    energy = Department.objects.get(code="energy")
    shaoguan = division("440200")
    line = registry["cement_kiln"]
    # A case numbered before the official form: kept as it is, never in the new sequence.
    _case(line, "ENERGY-2026-000042", energy)
    for serial in (1, 9, 10):
        _case(line, f"韶能源案〔2026〕{serial}号", energy)
    # 10号 sorts before 9号 as text; the serial is still the next after 10.
    assert case_numbers(energy, shaoguan, 2026, 2) == ["韶能源案〔2026〕11号",
                                                       "韶能源案〔2026〕12号"]
    # Another year, another city: their own sequences.
    assert case_numbers(energy, shaoguan, 2027) == ["韶能源案〔2027〕1号"]
    assert case_numbers(energy, division("440100"), 2026) == ["穗能源案〔2026〕1号"]
    assert Case.objects.get(number="ENERGY-2026-000042").line == line  # still readable


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_no_two_cities_share_a_place_abbreviation():
    cities = Division.objects.filter(level=Division.Level.CITY)
    abbreviations = [place_abbreviation(city) for city in cities]
    assert len(set(abbreviations)) == len(abbreviations) == 21
    # Nor does one city's abbreviation start another's prefix ambiguously: 汕 (Shantou) and
    # 汕尾 differ in the character after 汕, which is never a department's first character.
    firsts = {d.abbreviation[:1] for d in Department.objects.exclude(abbreviation="")}
    assert "尾" not in firsts
