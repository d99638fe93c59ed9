"""The one formatter of quantities (lib/quantities.py): what documents, lists and pages print."""

import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from phaseout.lib.quantities import UNITS, number, quantity, unit_name


@pytest.mark.req("E2")
@pytest.mark.parametrize(("value", "unit", "chinese", "english"), [
    (99.1, "10kt/a", "99.1万吨/年", "99.1 10 kt/a"),
    (99.10000000001, "10kt/a", "99.1万吨/年", "99.1 10 kt/a"),
    (13700, "kWh/t", "13700千瓦时/吨", "13,700 kWh/t"),
    (0.3, "yuan/kWh", "0.3元/千瓦时", "0.3 yuan/kWh"),
    (461.1, "10kwb/a", "461.1万重量箱/年", "461.1 10k weight boxes/a"),
    (380, "m3", "380立方米", "380 m³"),
    (5, "percent", "5%", "5%"),
    (True, "bool", "是", "yes"),
    (None, "kgce/t", "—", "—"),
    (dt.date(2025, 12, 31), "date", "2025-12-31", "2025-12-31"),
])
def test_it_prints_a_figure_with_the_units_name(value, unit, chinese, english):
    with translation.override("zh-hans"):
        assert quantity(value, unit) == chinese
    with translation.override("en"):
        assert quantity(value, unit) == english


def test_every_unit_has_a_chinese_name_without_latin_letters():
    for code, (chinese, _english) in UNITS.items():
        assert not any("a" <= c.lower() <= "z" for c in chinese), code


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_a_number_never_reads_in_scientific_notation_or_with_trailing_zeros(value):
    with translation.override("zh-hans"):
        text = number(value)
    assert "e" not in text.lower()
    if "." in text:
        assert not text.endswith("0") and not text.endswith(".")
    assert abs(float(text) - value) <= 0.0005 + abs(value) * 1e-12


def test_an_unknown_unit_is_shown_not_dropped():
    with translation.override("zh-hans"):
        assert unit_name("furlong") == "furlong"
        assert quantity(3, "furlong") == "3furlong"


@pytest.mark.req("E2")
def test_it_names_the_units_inside_a_sentence():
    from phaseout.lib.quantities import name_units

    with translation.override("zh-hans"):
        assert name_units("熟料综合能耗，kgce/t 熟料；≤500 t/d 14.0") == \
            "熟料综合能耗，千克标准煤/吨 熟料；≤500 吨/日 14.0"
        assert name_units("GB 16780-2021 表1 3级") == "GB 16780-2021 表1 3级"
