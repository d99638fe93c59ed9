"""The synthetic registry: deterministic, valid codes, every city, units that match the
catalogues, some eliminated equipment, and one audit entry per run."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from stdnum.cn import uscc

from phaseout.audit.models import AuditEntry
from phaseout.audit.services import audit_verify
from phaseout.reference.models import Division, IndicatorKind
from phaseout.registry.models import Enterprise, Indicator, Licence, ProductionLine
from phaseout.registry.seeding import SERIAL_SPACE, SeedError, seed_registry, serial_base
from phaseout.registry.validation import Lookups, clean_enterprise, clean_line

pytestmark = pytest.mark.req("G1")


class _Rollback(Exception):
    pass


def _snapshot():
    return list(ProductionLine.objects.order_by("enterprise__uscc", "line_code")
                .values_list("enterprise__uscc", "line_code", "size", "capacity"))


@pytest.fixture
def seeded(db):
    return seed_registry(enterprises=300, seed=11)


def test_it_gives_the_same_registry_for_the_same_seed(db):
    # Seed, remember, roll back to an empty registry, seed again.
    try:
        with transaction.atomic():
            seed_registry(enterprises=50, seed=5)
            first = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    assert not Enterprise.objects.exists()
    seed_registry(enterprises=50, seed=5)
    assert _snapshot() == first
    assert len(first) > 50


def test_it_gives_a_different_registry_for_another_seed(db):
    seed_registry(enterprises=50, seed=5)
    first = _snapshot()
    seed_registry(enterprises=50, seed=6)
    # Credit codes are unique, so 100 enterprises means the two seeds did not collide.
    assert Enterprise.objects.count() == 100
    second = set(_snapshot()) - set(first)
    assert {row[0] for row in second}.isdisjoint({row[0] for row in first})
    assert len(second) > 50


@pytest.mark.parametrize("seed", [0, 1, 2023, 900_001])
def test_it_keeps_neighbouring_seeds_serials_a_million_apart(seed):
    # A run of 300,000 enterprises uses 300,000 consecutive serials from serial_base(seed).
    gap = (serial_base(seed + 1) - serial_base(seed)) % SERIAL_SPACE
    assert 1_000_000 < gap < SERIAL_SPACE - 1_000_000


def test_it_counts_what_it_wrote(seeded):
    assert seeded.enterprises == Enterprise.objects.count() == 300
    assert seeded.lines == ProductionLine.objects.count()
    assert seeded.indicators == Indicator.objects.count()
    assert seeded.licences == Licence.objects.count()
    # 1 + Poisson(2.3) lines per enterprise: about 3.3 on average.
    assert 2.9 < seeded.lines / seeded.enterprises < 3.7


def test_it_writes_valid_credit_codes_registered_at_the_county(seeded):
    for code, county in Enterprise.objects.values_list("uscc", "county__code"):
        assert uscc.is_valid(code), code
        assert code[2:8] == county


def test_it_covers_all_21_cities_with_their_own_counties(seeded):
    cities = set(Enterprise.objects.values_list("city__code", flat=True))
    assert cities == set(Division.objects.filter(level="city").values_list("code", flat=True))
    assert len(cities) == 21
    assert not Enterprise.objects.exclude(county__parent=F("city")).exists()
    assert not ProductionLine.objects.exclude(city=F("enterprise__city")).exists()
    assert not ProductionLine.objects.exclude(county=F("enterprise__county")).exists()


def test_it_places_enterprises_inside_guangdong(seeded):
    outside = Enterprise.objects.exclude(latitude__range=(20, 26), longitude__range=(109, 118))
    assert not outside.exists()


def test_it_uses_the_units_of_the_catalogues(seeded):
    lines = ProductionLine.objects.all()
    assert not lines.exclude(size_unit=F("equipment_type__size_unit")).exists()
    assert not lines.exclude(capacity_unit=F("equipment_type__capacity_unit")).exists()
    assert not lines.exclude(industry=F("equipment_type__industry")).exists()
    assert not lines.exclude(industry=F("enterprise__industry")).exists()
    assert not lines.exclude(size__gte=F("equipment_type__min_size"),
                             size__lte=F("equipment_type__max_size")).exists()
    assert not Indicator.objects.exclude(unit=F("kind__unit")).exists()
    assert set(Indicator.objects.values_list("year", flat=True)) == {2023}
    industries = set(lines.values_list("industry__code", flat=True))
    assert industries == {"steel", "cement", "aluminium", "flat-glass", "coal-power"}


def test_it_records_indicators_only_for_the_industries_they_apply_to(seeded):
    applies = {(k.pk, i.pk) for k in IndicatorKind.objects.all() for i in k.industries.all()}
    used = set(Indicator.objects.values_list("kind_id", "line__industry_id").distinct())
    assert used <= applies
    assert len(used) >= 12  # energy, electricity and output kinds across five industries


def test_it_passes_the_registry_input_checks(seeded):
    lookups = Lookups.load()
    for ent in Enterprise.objects.select_related("county", "industry")[:40]:
        _data, errors = clean_enterprise({
            "uscc": ent.uscc, "name": ent.name, "county_code": ent.county.code,
            "legal_representative": ent.legal_representative, "industry": ent.industry.code,
            "latitude": ent.latitude, "longitude": ent.longitude}, lookups)
        assert errors == []
        for line in ent.lines.select_related("equipment_type"):
            _data, errors = clean_line({
                "uscc": ent.uscc, "line_code": line.line_code,
                "equipment_type": line.equipment_type.code, "size": line.size,
                "second_size": line.second_size, "capacity": line.capacity,
                "commissioned_on": line.commissioned_on, "status": line.status,
                "registered_use": line.registered_use}, lookups)
            assert errors == []


@pytest.mark.req("T5")
def test_it_registers_induction_furnaces_with_their_kva_rating(seeded):
    furnaces = ProductionLine.objects.filter(equipment_type__code="induction-furnace")
    assert furnaces.exists()
    assert not furnaces.filter(second_size__isnull=True).exists()
    assert set(furnaces.values_list("equipment_type__second_size_unit", flat=True)) == {"kVA"}
    assert not ProductionLine.objects.exclude(equipment_type__code="induction-furnace").filter(
        second_size__isnull=False).exists()


def test_it_includes_some_eliminated_equipment(seeded):
    lines = ProductionLine.objects
    eliminated = (lines.filter(equipment_type__code__in=["shaft-kiln", "soderberg-cell-series",
                                                         "flat-draw-line"]).count()
                  + lines.filter(equipment_type__code="blast-furnace", size__lte=400).count()
                  + lines.filter(equipment_type__code="converter", size__lte=30).count()
                  + lines.filter(equipment_type__code="coal-fired-unit", size__lte=50).count())
    assert 0 < eliminated < 0.08 * lines.count()


def test_it_writes_licences_some_of_them_expired(seeded):
    kinds = set(Licence.objects.values_list("kind", flat=True))
    assert kinds == {"production", "discharge", "safety"}
    assert Licence.objects.filter(valid_until__lt="2023-12-31").exists()
    assert Licence.objects.filter(valid_until__gte="2024-01-01").exists()


def test_it_writes_one_audit_entry_for_the_run(seeded):
    entry = AuditEntry.objects.get(action="registry.seed")
    assert entry.after == {"enterprises": 300, "lines": seeded.lines, "seed": 11}
    assert audit_verify().ok


def test_it_refuses_a_seed_that_was_already_loaded(seeded):
    with pytest.raises(SeedError, match="already loaded"):
        seed_registry(enterprises=300, seed=11)
    assert Enterprise.objects.count() == 300


def test_it_runs_as_a_command(db, capsys):
    call_command("seed", "--enterprises", "20", "--seed", "3")
    out = capsys.readouterr().out
    assert "Seeded 20 enterprises" in out
    assert Enterprise.objects.count() == 20
