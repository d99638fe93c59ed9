"""The one formatter of quantities (lib/quantities.py): what documents, lists and pages print."""

import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from phaseout.lib.quantities import UNITS, number, quantity, raw_codes, unit_name


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
@pytest.mark.req("E2", "P4")
@pytest.mark.parametrize(("text", "found"), [
    # What the issue "What officials touch, proven" found in documents and lists.
    ("年产能99.110kt/a", ("unit code", "10kt/a")),
    ("64.3 10kt/a", ("unit code", "10kt/a")),
    ("461.1 10kwb/a", ("unit code", "10kwb/a")),
    ("综合能耗118 kgce/t", ("unit code", "kgce/t")),
    ("电价0.3 yuan/kWh", ("unit code", "yuan/kWh")),
    ("高炉有效容积380 m3", ("unit code", "m3")),
    ("转炉公称容量30 t，", ("unit code", "0 t")),
    ("案件编号ECOLOGY-ENVIRONMENT-2026-001502", ("English case number",
                                                  "ECOLOGY-ENVIRONMENT-2026-001502")),
    ("不符合energy.cement.clinker_power", ("identifier", "energy.cement.clinker_power")),
    ("状态：closure_ordered", ("identifier", "closure_ordered")),
    ("状态：rectifying", ("English word", "rectifying")),
    ("法定代表人None", ("Python or JSON value", "None")),
    ("豁免：True", ("Python or JSON value", "True")),
    ("参数[{'limit': 61}]", ("Python or JSON value", "[{")),
    ("工作方案（T1）", ("requirement id", "（T1）")),
    ("表1 3级（实施日期凭记忆，未核实）", ("drafting note", "凭记忆")),
])
def test_it_finds_raw_codes(text, found):
    assert found in raw_codes(text)


@pytest.mark.req("E2", "P4")
def test_it_passes_what_an_official_text_carries():
    text = ("统一社会信用代码914402290000000272，生产线编号BF1，年产能77.5万吨/年、"
            "461.1万重量箱/年，规模2500吨/日，实测值为 118千克标准煤/吨，高于《水泥单位产品能源"
            "消耗限额》（GB 16780-2021）表1 3级规定的限定值，GB/T 9704，韶能源案〔2026〕42号，"
            "6%，2025-12-31")
    assert raw_codes(text) == []
    with translation.override("zh-hans"):
        assert all(raw_codes(quantity(1.5, code)) == [] for code in UNITS)
