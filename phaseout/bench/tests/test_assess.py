"""A tiny run of `phaseout bench assess`'s in-memory part: the synthetic lines, the timed
rules and surcharges, and the reference evaluator giving the same verdicts on the sample."""

import io
import re
from dataclasses import asdict

import numpy as np
import pytest

from phaseout.bench import assess, data, report
from phaseout.standards.engine import VERDICT_NAMES, evaluate
from phaseout.standards.oracle import evaluate_line
from phaseout.standards.params import current_parameters


@pytest.mark.req("G2")
def test_it_prints_the_in_memory_figures_and_the_verdicts_agree():
    out = io.StringIO()
    metrics = assess.measure_rules(2_000, out, sample=500, repeats=1)
    text = out.getvalue()
    assert "built 2,000 synthetic lines" in text
    timed = re.search(r"evaluate ([\d.]+) s, surcharges ([\d.]+) s, together ([\d.]+) s", text)
    assert timed and all(float(x) > 0 for x in timed.groups())
    assert re.search(r"reference: 500 lines in [\d.]+ s -> [\d.,]+ s for 2,000", text)
    assert "identical: yes (500 lines x 26 rules)" in text
    together, versus = metrics
    assert together.unit == "s" and together.goal == assess.ASSESS_GOAL_S and together.passed
    assert versus.baseline > versus.value and "identical: yes" in versus.note
    assert versus.ratio == pytest.approx(versus.baseline / versus.value)
    rows = report.table([asdict(m) for m in metrics])
    assert rows[0].split()[:2] == ["metric", "database"] and "PASS" in rows[1]


@pytest.mark.req("G2")
def test_the_synthetic_lines_agree_with_the_reference_on_every_rule():
    facts = data.synthetic_facts(2_000, seed=7)
    on, params = data.ASSESS_ON, current_parameters()
    evaluation = evaluate(facts, on=on, params=params)
    index = np.arange(0, facts.n, 4)
    records = data.facts_records(facts, index)
    expected = [evaluate_line(r, on, params) for r in records]
    fails = 0
    for result in evaluation.results:
        got = [VERDICT_NAMES[int(v)] for v in result.outcome.verdict[index]]
        want = [verdicts[result.rule.id] for verdicts in expected]
        assert got == want, result.rule.id
        fails += got.count("fail")
    assert fails > 0  # the mix has work for the rules: eliminated kit, missing licences
    assert data.synthetic_facts(2_000, seed=7)["size"].tobytes() == facts["size"].tobytes()
