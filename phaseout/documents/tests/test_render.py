"""The text of a document, composed from its facts without rendering files, and the numbers
of the issuing offices."""

import pytest
from django.utils import translation

from phaseout.documents.render import compose
from phaseout.documents.services import document_number, kinds_for
from phaseout.reference.models import Department

FACTS = {
    "kind": "rectification_notice", "number": "韶能源整改〔2027〕1号",
    "issuer": "韶关市能源主管部门",
    "issued_on": "2027-01-04", "case_number": "韶能源案〔2027〕1号", "path": "energy",
    "state": "rectifying", "path_basis": "《中华人民共和国节约能源法》",
    "enterprise": {"name": "翁源水泥有限公司", "uscc": "91440229MA0000002X", "address": "",
                   "legal_representative": "张三"},
    "line": {"code": "K1", "equipment": "熟料生产线", "size": 2500.0, "size_unit": "t/d",
             "capacity": 77.5, "capacity_unit": "10kt/a"},
    "rules": [{"id": "energy.cement.clinker_power", "label": "熟料综合电耗不高于限定值",
               "basis": "GB 16780"}],
    "findings": [{"rule_id": "energy.cement.clinker_power", "measure": "熟料综合电耗",
                  "relation": "高于", "limit_name": "限定值", "year": 2026, "measured": 70.0,
                  "limit": 61.0, "unit": "kWh/t",
                  "clause": "《水泥单位产品能源消耗限额》（GB 16780-2021）表1 3级",
                  "provisional": True, "fact": "", "label": "熟料综合电耗不高于限定值",
                  "found": True}],
    "deadline": {"kind": "rectification", "due_on": "2027-07-05", "provisional": True,
                 "basis": "工信部联产业〔2017〕30号"},
}


@pytest.mark.req("E5")
def test_it_says_when_a_deadline_is_provisional():
    # 2027's holidays are not yet official: the notice says the date may move.
    body = "".join(compose(FACTS).paragraphs)
    assert "2027年7月5日（暂定" in body
    assert "2027年7月5日（暂定" not in "".join(compose(
        {**FACTS, "deadline": {**FACTS["deadline"], "provisional": False}}).paragraphs)


@pytest.mark.req("E5")
def test_it_states_the_finding_with_its_figures_and_clause():
    # The issue "What officials touch, proven" changed this: the notice used to print the rule
    # ("熟料综合电耗不高于限定值。依据：GB 16780") and the capacity as "77.5万吨" from a raw unit.
    composed = compose(FACTS)
    assert composed.title == "整改通知书" and composed.addressee == "翁源水泥有限公司："
    assert ("（一）经核查，该生产线2026年熟料综合电耗实测值为 70千瓦时/吨，高于《水泥单位产品"
            "能源消耗限额》（GB 16780-2021）表1 3级规定的限定值 61千瓦时/吨（暂定）。"
            ) in composed.paragraphs
    assert not any("不高于限定值" in p for p in composed.paragraphs)
    assert ("年产能", "77.5万吨/年") in composed.facts
    assert ("主体设备", "熟料生产线，2500吨/日") in composed.facts


@pytest.mark.req("E5")
def test_it_prints_in_chinese_whatever_the_language_of_the_request():
    with translation.override("en"):
        composed = compose(FACTS)
    assert ("年产能", "77.5万吨/年") in composed.facts


@pytest.mark.req("E5")
def test_it_offers_the_documents_the_state_calls_for():
    assert kinds_for("energy", "rectifying") == ["rectification_notice"]
    assert kinds_for("environment", "restricted") == []
    assert kinds_for("eliminated", "accepted") == ["acceptance_record"]
    assert kinds_for("coal_power", "closure_ordered") == ["closure_decision"]


@pytest.mark.req("E5")
@pytest.mark.django_db
def test_it_numbers_by_the_issuing_office():
    from conftest import division

    energy = Department.objects.get(code="energy")
    number = {code: document_number(department=energy, division=division(code),
                                     kind="closure_decision", year=2026, serial=3)
              for code in ("440000", "440200", "440205", "440100")}
    assert number == {"440000": "粤能源关停〔2026〕3号", "440200": "韶能源关停〔2026〕3号",
                      "440205": "韶曲江能源关停〔2026〕3号", "440100": "穗能源关停〔2026〕3号"}
