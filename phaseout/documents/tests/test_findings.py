"""The clause a notice cites for each rule (documents.findings): for every rule of the
registry and every dated value of its parameter, a citation fit to sign: the standard's title
and number with its edition, or the catalogue's edition and category, or the law, and never
the drafting notes of the parameter files."""

import pytest

from phaseout.cases.workflow import COAL, ENERGY_LAW
from phaseout.documents.findings import citation, clause, fact_of, legal_text, words_of
from phaseout.documents.render import finding_text
from phaseout.lib.quantities import raw_codes
from phaseout.standards.engine import REGISTRY
from phaseout.standards.params import current_parameters
from phaseout.standards.vocabulary import Domain


def _cited():
    params = current_parameters()
    for rule in REGISTRY.values():
        entries = params.parameters[rule.params[0]].values if rule.params else ()
        bases = [e.basis for e in entries if e.value is not None] or [None]
        for basis in bases:
            yield rule, basis


@pytest.mark.req("G2", "E2")
@pytest.mark.parametrize(("rule", "basis"), list(_cited()),
                         ids=lambda x: getattr(x, "id", None) or (x or "")[:24])
def test_every_clause_is_fit_to_sign(rule, basis):
    cited = clause(rule, basis)
    assert raw_codes(cited) == [], cited
    assert "《" in cited and "》" in cited, cited
    if rule.domain == Domain.ENERGY:
        # The standard with its edition: 《水泥单位产品能源消耗限额》（GB 16780-2021）
        assert "（GB " in cited and cited.index("》") < cited.index("（GB "), cited


@pytest.mark.req("E2")
def test_it_keeps_the_citation_and_drops_the_notes():
    assert citation("GB 16780-2021 表1 3级（第三方转录；实施日期凭记忆，未核实）") == (
        "GB 16780-2021 表1 3级")
    assert citation("GB 21340-2019 表1 3级：≤500 t/d 14.0，500～800 t/d 13.5") == (
        "GB 21340-2019 表1 3级")
    catalogue = ("《产业结构调整指导目录（2019年本）》（国家发展改革委令第29号）淘汰类 钢铁"
                 "（是否已提高至160kA未核实）")
    assert citation(catalogue) == ("《产业结构调整指导目录（2019年本）》（国家发展改革委令第29号）"
                                   "淘汰类 钢铁")
    # The paths' laws lose the internal tags, keep the acts.
    assert legal_text(COAL) == "《关于推进煤电机组分类处置的意见》；广东省推动落后产能退出工作方案"
    assert legal_text(ENERGY_LAW) == "《中华人民共和国节约能源法》；工信部联产业〔2017〕30号"


@pytest.mark.req("E2")
def test_a_rule_reads_as_a_finding_with_and_without_figures():
    rule = REGISTRY["eliminated.steel.blast_furnace"]
    cited = clause(rule, "《产业结构调整指导目录（2019年本）》（国家发展改革委令第29号）"
                         "淘汰类 钢铁")
    with_figures = {"measure": "高炉有效容积", "relation": "不高于", "limit_name": "淘汰类上限",
                    "year": None, "measured": 380.0, "limit": 400.0, "unit": "m3",
                    "clause": cited, "provisional": False, "fact": "", "label": rule.label}
    assert finding_text(with_figures) == (
        f"经核查，该生产线高炉有效容积为 380立方米，不高于{cited}规定的淘汰类上限 400立方米。")
    without = {**with_figures, "measured": None, "limit": None}
    assert finding_text(without) == (
        f"经核查，该生产线高炉有效容积不符合{cited}规定的淘汰类上限的要求。")
    permit = REGISTRY["environment.discharge_permit"]
    fact = {**without, "measure": "", "relation": "", "limit_name": "",
            "clause": clause(permit, None),
            "fact": "所属行业须取得排污许可证，企业在评价日无有效排污许可证"}
    assert finding_text(fact).startswith("经核查，所属行业须取得排污许可证")
    assert "《排污许可管理条例》（国务院令第736号）" in finding_text(fact)
    for text in map(finding_text, (with_figures, without, fact)):
        assert raw_codes(text) == [], text


@pytest.mark.req("G2", "E2")
@pytest.mark.parametrize("rule", list(REGISTRY.values()), ids=lambda r: r.id)
def test_every_rule_reads_as_a_finding(rule):
    """A rule comparing a measure with a limit gives its measure, relation and limit's name;
    any other states its fact without a unit code (its reason has no figure with a unit)."""
    words = words_of(rule)
    if "{limit" in rule.reason_fail:
        assert words["measure"] and words["relation"] and words["limit_name"], rule.reason_fail
    else:
        assert raw_codes(fact_of(rule, 2.0)) == [], rule.reason_fail
