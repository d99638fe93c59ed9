"""Checks of registry input (registry.validation): each refusal names the field and says
what is wrong in words an official can act on."""

import datetime as dt

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as uscc_module

from phaseout.registry.validation import (
    Lookups,
    clean_enterprise,
    clean_indicator,
    clean_licence,
    clean_line,
    uscc_error,
)

VALID_USCC = "914403001922038216"
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z


@pytest.fixture
def lookups(db) -> Lookups:
    return Lookups.load()


def _messages(errors) -> dict[str, str]:
    return {e.field: e.message for e in errors}


def _enterprise(**extra) -> dict:
    return {"uscc": VALID_USCC, "name": "曲江钢铁有限公司", "county_code": "440205",
            "legal_representative": "张三", "industry": "steel", **extra}


def _line(**extra) -> dict:
    return {"uscc": VALID_USCC, "line_code": "BF1", "equipment_type": "blast-furnace",
            "size": 450, "capacity": 40, **extra}


# --- unified social credit codes -----------------------------------------------------------


@pytest.mark.req("G1")
def test_it_accepts_a_valid_credit_code():
    assert uscc_error(VALID_USCC) is None


@pytest.mark.req("G1")
def test_it_names_the_expected_check_character():
    message = uscc_error(VALID_USCC[:17] + "7")
    assert message is not None
    assert "6" in message


@pytest.mark.req("G1")
@pytest.mark.parametrize("value", [VALID_USCC[:17], VALID_USCC + "0"])
def test_it_names_a_wrong_length(value):
    assert str(len(value)) in uscc_error(value)


@pytest.mark.req("G1")
@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z", "*"])
def test_it_refuses_letters_not_used_in_credit_codes(letter):
    value = VALID_USCC[:10] + letter + VALID_USCC[11:]
    message = uscc_error(value)
    assert message is not None
    # Not a length or check-character message: one message for every forbidden character.
    assert message == uscc_error(VALID_USCC[:3] + "O" + VALID_USCC[4:])
    assert message not in (uscc_error(VALID_USCC[:17]), uscc_error(VALID_USCC[:17] + "7"))


@pytest.mark.req("G1")
@given(head=st.text("0123456789", min_size=8, max_size=8),
       tail=st.text(ALPHABET, min_size=9, max_size=9),
       other=st.sampled_from(ALPHABET))
def test_it_accepts_exactly_the_computed_check_character(head, tail, other):
    body = head + tail  # registration authority and division codes are digits
    check = uscc_module.calc_check_digit(body)
    assert uscc_error(body + check) is None
    if other != check:
        assert uscc_error(body + other) is not None


# --- enterprises ---------------------------------------------------------------------------


@pytest.mark.req("G1")
def test_it_cleans_a_valid_enterprise(lookups):
    data, errors = clean_enterprise(_enterprise(uscc=VALID_USCC.lower(), town_code="440205100",
                                                latitude="24.68", longitude=113.6), lookups)
    assert errors == []
    assert data.uscc == VALID_USCC
    assert (data.county.code, data.city.code, data.town.name) == ("440205", "440200", "马坝镇")
    assert data.status == "operating"


@pytest.mark.req("G1")
def test_it_names_an_unknown_county_code(lookups):
    data, errors = clean_enterprise(_enterprise(county_code="440299"), lookups)
    assert data is None
    assert "440299" in _messages(errors)["county_code"]


@pytest.mark.req("G1")
def test_it_refuses_a_city_code_as_county(lookups):
    _data, errors = clean_enterprise(_enterprise(county_code="440200"), lookups)
    assert set(_messages(errors)) == {"county_code"}


@pytest.mark.req("G1")
def test_it_refuses_a_town_of_another_county(lookups):
    _data, errors = clean_enterprise(_enterprise(town_code="440229100"), lookups)
    message = _messages(errors)["town_code"]
    assert "440229100" in message and "440205" in message


@pytest.mark.req("G1")
def test_it_names_every_missing_or_wrong_enterprise_field_at_once(lookups):
    _data, errors = clean_enterprise({"uscc": "", "county_code": "", "industry": "mining",
                                      "latitude": "abc", "longitude": 150,
                                      "status": "bankrupt"}, lookups)
    assert set(_messages(errors)) == {"uscc", "name", "county_code", "latitude", "longitude",
                                      "legal_representative", "industry", "status"}


# --- production lines ----------------------------------------------------------------------


@pytest.mark.req("G1")
def test_it_fills_the_units_from_the_equipment_type(lookups):
    data, errors = clean_line(_line(), lookups)
    assert errors == []
    assert (data.size_unit, data.capacity_unit, data.industry.code) == ("m3", "10kt/a", "steel")


@pytest.mark.req("T5")
def test_it_registers_an_induction_furnace_in_tonnes_with_its_kva(lookups):
    data, errors = clean_line(_line(equipment_type="induction-furnace", size=5, size_unit="t",
                                    second_size="4,000", capacity=3), lookups)
    assert errors == []
    assert (data.size, data.second_size) == (5, 4000)


@pytest.mark.req("T5")
def test_it_refuses_an_induction_furnace_sized_in_kva(lookups):
    _data, errors = clean_line(_line(equipment_type="induction-furnace", size=4000,
                                     size_unit="kVA", capacity=3), lookups)
    message = _messages(errors)["size_unit"]
    assert "吨" in message and "千伏安" in message  # units by name


@pytest.mark.req("G1")
def test_it_refuses_a_second_rating_for_equipment_without_one(lookups):
    _data, errors = clean_line(_line(second_size=10), lookups)
    assert set(_messages(errors)) == {"second_size"}


@pytest.mark.req("G1")
def test_it_names_a_capacity_unit_of_another_industry(lookups):
    _data, errors = clean_line(_line(capacity_unit="MW"), lookups)
    assert "万吨/年" in _messages(errors)["capacity_unit"]


@pytest.mark.req("G1")
@pytest.mark.parametrize("size", [5, 9000])
def test_it_refuses_an_implausible_size(lookups, size):
    _data, errors = clean_line(_line(size=size), lookups)
    message = _messages(errors)["size"]
    assert "10" in message and "6000" in message


@pytest.mark.req("G1")
def test_it_refuses_a_negative_capacity_and_a_zero_size(lookups):
    _data, errors = clean_line(_line(capacity=-5, size=0), lookups)
    messages = _messages(errors)
    assert "-5" in messages["capacity"]
    assert "size" in messages


@pytest.mark.req("G1")
def test_it_refuses_a_commissioning_date_in_the_future(lookups):
    with time_machine.travel("2026-06-01 10:00 +08:00", tick=False):
        _data, errors = clean_line(_line(commissioned_on="2026-06-02"), lookups)
        assert "2026-06-02" in _messages(errors)["commissioned_on"]
        data, errors = clean_line(_line(commissioned_on="2026/06/01"), lookups)
        assert errors == []
        assert data.commissioned_on == dt.date(2026, 6, 1)


@pytest.mark.req("G1")
def test_it_names_an_unreadable_date_and_an_unknown_status(lookups):
    _data, errors = clean_line(_line(commissioned_on="last spring", status="melted"), lookups)
    assert set(_messages(errors)) == {"commissioned_on", "status"}


# --- indicators and licences ---------------------------------------------------------------


def _indicator(**extra) -> dict:
    return {"uscc": VALID_USCC, "line_code": "BF1", "year": 2024, "kind": "process-energy",
            "value": 395, "unit": "kgce/t", "source": "energy_supervision", **extra}


@pytest.mark.req("G1")
def test_it_names_the_unit_an_indicator_is_recorded_in(lookups):
    data, errors = clean_indicator(_indicator(), lookups)
    assert errors == [] and data.kind.code == "process-energy"
    _data, errors = clean_indicator(_indicator(unit="kgce/wb"), lookups)
    message = _messages(errors)["unit"]
    assert "千克标准煤/吨" in message and "千克标准煤/重量箱" in message


@pytest.mark.req("G1")
def test_it_refuses_an_indicator_for_a_year_not_yet_come(lookups):
    with time_machine.travel("2026-06-01 10:00 +08:00", tick=False):
        _data, errors = clean_indicator(_indicator(year=2027), lookups)
    assert set(_messages(errors)) == {"year"}


@pytest.mark.req("S1")
def test_it_refuses_a_licence_that_ends_before_it_starts(lookups):
    raw = {"uscc": VALID_USCC, "kind": "discharge", "number": "PW-1",
           "valid_from": "2024-05-01", "valid_until": "2024-04-30"}
    _data, errors = clean_licence(raw, lookups)
    message = _messages(errors)["valid_until"]
    assert "2024-05-01" in message
    data, errors = clean_licence({**raw, "valid_until": "2029-04-30"}, lookups)
    assert errors == [] and data.valid_until == dt.date(2029, 4, 30)


@pytest.mark.req("S1")
def test_it_names_missing_licence_fields(lookups):
    _data, errors = clean_licence({"uscc": VALID_USCC, "kind": "passport"}, lookups)
    assert set(_messages(errors)) == {"kind", "number", "valid_from", "valid_until"}
