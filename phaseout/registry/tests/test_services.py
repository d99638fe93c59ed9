"""Writes to the registry (registry.services): each keeps history, writes its audit entry
and refuses what it must refuse without changing anything."""

import pytest

from phaseout.audit.models import AuditEntry
from phaseout.audit.services import audit_verify
from phaseout.registry.models import (
    Enterprise,
    EnterpriseChange,
    Indicator,
    Licence,
    LineStatusChange,
)
from phaseout.registry.services import (
    enterprise_update,
    indicator_record,
    licence_save,
    line_status_set,
)
from phaseout.registry.validation import (
    Lookups,
    RegistryInputError,
    VersionConflict,
    clean_enterprise,
    clean_indicator,
    clean_licence,
)


@pytest.fixture
def lookups(registry) -> Lookups:
    return Lookups.load()


def _enterprise_data(lookups, enterprise: Enterprise, **changes):
    raw = {
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "county_code": enterprise.county.code,
        "legal_representative": enterprise.legal_representative,
        "industry": enterprise.industry.code,
        "status": enterprise.status,
        **changes,
    }
    data, errors = clean_enterprise(raw, lookups)
    assert not errors, errors
    return data


def _indicator_data(lookups, line, **extra):
    data, errors = clean_indicator(
        {
            "uscc": line.enterprise.uscc,
            "line_code": line.line_code,
            "year": 2024,
            "kind": "process-energy",
            "value": 400,
            "unit": "kgce/t",
            "source": "energy_supervision",
            **extra,
        },
        lookups,
    )
    assert not errors, errors
    return data


def _licence_data(lookups, enterprise, **extra):
    data, errors = clean_licence(
        {
            "uscc": enterprise.uscc,
            "kind": "production",
            "number": "XK05-001-00001",
            "valid_from": "2021-01-01",
            "valid_until": "2026-12-31",
            **extra,
        },
        lookups,
    )
    assert not errors, errors
    return data


@pytest.mark.req("S1", "P1")
def test_it_keeps_the_history_of_name_owner_and_status(registry, lookups, shaoguan_official):
    steel = registry["qujiang_steel"]
    data = _enterprise_data(
        lookups, steel, name="曲江钢铁集团有限公司", legal_representative="王五", status="suspended"
    )
    updated = enterprise_update(
        enterprise=steel,
        data=data,
        expected_version=1,
        actor=shaoguan_official,
        note="韶市监变〔2024〕8号",
    )
    assert updated.version == 2
    changes = {
        c.field: (c.old_value, c.new_value)
        for c in EnterpriseChange.objects.filter(enterprise=steel)
    }
    assert changes == {
        "name": ("曲江钢铁有限公司", "曲江钢铁集团有限公司"),
        "legal_representative": ("张三", "王五"),
        "status": ("operating", "suspended"),
    }
    assert {c.actor for c in EnterpriseChange.objects.filter(enterprise=steel)} == {
        shaoguan_official
    }
    entry = AuditEntry.objects.get(action="enterprise.update", object_id=steel.uscc)
    assert (entry.before["name"], entry.after["name"]) == (
        "曲江钢铁有限公司",
        "曲江钢铁集团有限公司",
    )
    assert (entry.actor_label, entry.note) == ("shaoguan", "韶市监变〔2024〕8号")


@pytest.mark.req("P1")
def test_it_refuses_a_stale_version_and_changes_nothing(registry, lookups, shaoguan_official):
    steel = registry["qujiang_steel"]
    enterprise_update(
        enterprise=steel,
        data=_enterprise_data(lookups, steel, name="甲"),
        expected_version=1,
        actor=shaoguan_official,
    )
    entries = AuditEntry.objects.count()
    with pytest.raises(VersionConflict):
        enterprise_update(
            enterprise=steel,
            data=_enterprise_data(lookups, steel, name="乙"),
            expected_version=1,
            actor=shaoguan_official,
        )
    steel.refresh_from_db()
    assert (steel.name, steel.version) == ("甲", 2)
    assert EnterpriseChange.objects.filter(enterprise=steel).count() == 1
    assert AuditEntry.objects.count() == entries


@pytest.mark.req("P1")
def test_it_changes_nothing_when_nothing_differs(registry, lookups, shaoguan_official):
    steel = registry["qujiang_steel"]
    same = enterprise_update(
        enterprise=steel,
        data=_enterprise_data(lookups, steel),
        expected_version=1,
        actor=shaoguan_official,
    )
    assert same.version == 1
    assert not EnterpriseChange.objects.filter(enterprise=steel).exists()


@pytest.mark.req("P1")
def test_it_refuses_to_change_the_credit_code(registry, lookups, shaoguan_official):
    steel, cement = registry["qujiang_steel"], registry["wengyuan_cement"]
    data = _enterprise_data(lookups, steel, uscc=cement.uscc)
    with pytest.raises(RegistryInputError) as raised:
        enterprise_update(enterprise=steel, data=data, expected_version=1, actor=shaoguan_official)
    assert [e.field for e in raised.value.errors] == ["uscc"]


@pytest.mark.req("P1")
def test_it_moves_the_lines_with_their_enterprise(registry, lookups, province_official):
    glass = registry["zengcheng_glass"]
    data = _enterprise_data(lookups, glass, county_code="440229")
    enterprise_update(enterprise=glass, data=data, expected_version=1, actor=province_official)
    line = registry["glass_float"]
    line.refresh_from_db()
    assert (line.city.code, line.county.code) == ("440200", "440229")
    assert (
        EnterpriseChange.objects.get(enterprise=glass, field="county_id").actor == province_official
    )


@pytest.mark.req("P1", "G1")
def test_it_records_a_status_change_of_a_line_with_its_reason(registry, qujiang_handler):
    bf = registry["steel_bf"]
    line_status_set(line=bf, status="sealed", actor=qujiang_handler, note="韶工信〔2024〕3号")
    bf.refresh_from_db()
    assert (bf.status, bf.version) == ("sealed", 2)
    change = LineStatusChange.objects.filter(line=bf).first()
    assert (change.old_status, change.new_status, change.actor, change.note) == (
        "operating",
        "sealed",
        qujiang_handler,
        "韶工信〔2024〕3号",
    )
    entry = AuditEntry.objects.get(action="line.status", object_id=str(bf.pk))
    assert (entry.before, entry.after) == ({"status": "operating"}, {"status": "sealed"})


@pytest.mark.req("P1")
def test_it_refuses_a_status_change_without_a_reason_or_to_an_unknown_status(
    registry, qujiang_handler
):
    bf = registry["steel_bf"]
    with pytest.raises(RegistryInputError) as raised:
        line_status_set(line=bf, status="sealed", actor=qujiang_handler, note="  ")
    assert [e.field for e in raised.value.errors] == ["note"]
    with pytest.raises(RegistryInputError) as raised:
        line_status_set(line=bf, status="melted", actor=qujiang_handler, note="x")
    assert [e.field for e in raised.value.errors] == ["status"]
    with pytest.raises(VersionConflict):
        line_status_set(
            line=bf, status="sealed", actor=qujiang_handler, note="x", expected_version=7
        )
    bf.refresh_from_db()
    assert (bf.status, bf.version) == ("operating", 1)


@pytest.mark.req("G1")
def test_it_records_an_indicator_once_per_line_year_kind_and_source(
    registry, lookups, qujiang_handler
):
    bf = registry["steel_bf"]
    first = indicator_record(line=bf, data=_indicator_data(lookups, bf), actor=qujiang_handler)
    corrected = indicator_record(
        line=bf, data=_indicator_data(lookups, bf, value=388), actor=qujiang_handler
    )
    assert corrected.pk == first.pk
    assert Indicator.objects.get(line=bf).value == 388
    other_source = indicator_record(
        line=bf, data=_indicator_data(lookups, bf, source="self_report"), actor=qujiang_handler
    )
    assert other_source.pk != first.pk
    correction = AuditEntry.objects.filter(action="indicator.record").order_by("seq")[1]
    assert correction.before == {"value": 400, "unit": "kgce/t"}


@pytest.mark.req("G1")
def test_it_refuses_an_indicator_of_another_industry(registry, lookups, qujiang_handler):
    bf = registry["steel_bf"]
    data, errors = clean_indicator(
        {
            "uscc": bf.enterprise.uscc,
            "line_code": "BF1",
            "year": 2024,
            "kind": "clinker-power",
            "value": 60,
            "unit": "kWh/t",
            "source": "self_report",
        },
        lookups,
    )
    assert not errors
    with pytest.raises(RegistryInputError) as raised:
        indicator_record(line=bf, data=data, actor=qujiang_handler)
    assert [e.field for e in raised.value.errors] == ["kind"]
    assert not Indicator.objects.exists()


@pytest.mark.req("S1")
def test_it_updates_a_licence_by_kind_and_number(registry, lookups, qujiang_handler):
    steel = registry["qujiang_steel"]
    licence = licence_save(
        enterprise=steel,
        data=_licence_data(lookups, steel, valid_until="2031-12-31"),
        actor=qujiang_handler,
    )
    assert (licence.version, licence.valid_until.year) == (2, 2031)
    assert Licence.objects.filter(enterprise=steel).count() == 1
    entry = AuditEntry.objects.get(action="licence.update")
    assert str(entry.before["valid_until"]).startswith("2026-12-31")


@pytest.mark.req("S1")
def test_it_refuses_a_licence_number_owned_by_another_enterprise(
    registry, lookups, province_official
):
    cement = registry["wengyuan_cement"]
    with pytest.raises(RegistryInputError) as raised:
        licence_save(
            enterprise=cement, data=_licence_data(lookups, cement), actor=province_official
        )
    assert [e.field for e in raised.value.errors] == ["number"]
    assert Licence.objects.get(number="XK05-001-00001").enterprise == registry["qujiang_steel"]
    assert not cement.licences.exists()


@pytest.mark.req("P1")
def test_it_keeps_the_audit_chain_whole_through_every_kind_of_write(
    registry, lookups, province_official
):
    steel, bf = registry["qujiang_steel"], registry["steel_bf"]
    enterprise_update(
        enterprise=steel,
        data=_enterprise_data(lookups, steel, county_code="440229", status="suspended"),
        expected_version=1,
        actor=province_official,
    )
    line_status_set(line=bf, status="dismantled", actor=province_official, note="拆除验收")
    indicator_record(line=bf, data=_indicator_data(lookups, bf), actor=province_official)
    licence_save(
        enterprise=steel,
        data=_licence_data(lookups, steel, kind="discharge", number="PW-9"),
        actor=province_official,
    )
    with pytest.raises(VersionConflict):
        enterprise_update(
            enterprise=steel,
            data=_enterprise_data(lookups, steel),
            expected_version=1,
            actor=province_official,
        )
    result = audit_verify()
    assert result.ok, result.reason
    assert result.checked >= 12
