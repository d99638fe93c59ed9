"""Deterministic test data built through the registry services (so history and audit
rows exist as in real use)."""

import datetime as dt

from phaseout.lib.ids import make_uscc
from phaseout.registry.services import enterprise_create, licence_save, line_create
from phaseout.registry.validation import Lookups, clean_enterprise, clean_licence, clean_line


def enterprise(lookups: Lookups, *, serial: int, name: str, county: str, industry: str, **extra):
    data, errors = clean_enterprise(
        {
            "uscc": make_uscc(serial, division_code=county),
            "name": name,
            "county_code": county,
            "legal_representative": "张三",
            "industry": industry,
            **extra,
        },
        lookups,
    )
    assert not errors, errors
    return enterprise_create(data=data, actor=None)


def line(
    lookups: Lookups, ent, *, code: str, equipment: str, size: float, capacity: float, **extra
):
    data, errors = clean_line(
        {
            "uscc": ent.uscc,
            "line_code": code,
            "equipment_type": equipment,
            "size": size,
            "capacity": capacity,
            "commissioned_on": dt.date(2010, 5, 1),
            **extra,
        },
        lookups,
    )
    assert not errors, errors
    return line_create(enterprise=ent, data=data, actor=None)


def build_registry() -> dict:
    lookups = Lookups.load()
    steel = enterprise(
        lookups, serial=1, name="曲江钢铁有限公司", county="440205", industry="steel"
    )
    cement = enterprise(
        lookups, serial=2, name="翁源水泥有限公司", county="440229", industry="cement"
    )
    glass = enterprise(
        lookups, serial=3, name="增城玻璃有限公司", county="440118", industry="flat-glass"
    )
    lines = {
        "steel_bf": line(
            lookups, steel, code="BF1", equipment="blast-furnace", size=380, capacity=35
        ),
        "steel_if": line(
            lookups,
            steel,
            code="IF1",
            equipment="induction-furnace",
            size=5,
            capacity=3,
            second_size=4000,
        ),
        "cement_kiln": line(
            lookups, cement, code="K1", equipment="clinker-line", size=2500, capacity=77.5
        ),
        "glass_float": line(
            lookups, glass, code="F1", equipment="float-line", size=600, capacity=450
        ),
    }
    data, errors = clean_licence(
        {
            "uscc": steel.uscc,
            "kind": "production",
            "number": "XK05-001-00001",
            "scope": "热轧带肋钢筋",
            "valid_from": "2021-01-01",
            "valid_until": "2026-12-31",
        },
        lookups,
    )
    assert not errors, errors
    licence_save(enterprise=steel, data=data, actor=None)
    return {"qujiang_steel": steel, "wengyuan_cement": cement, "zengcheng_glass": glass, **lines}
