"""The engine's words are the vocabulary's: every verdict, domain and path a rule can give a
Finding is one of the choices of its model field (standards.vocabulary) and has a Chinese
label, and the pages' label maps are derived from the same choices."""

import datetime as dt
import re

import pytest
from django.utils import translation

from phaseout.standards import selectors
from phaseout.standards.engine import REGISTRY, VERDICT_NAMES
from phaseout.standards.models import AssessmentRun, Finding
from phaseout.standards.services import assessment_run
from phaseout.standards.vocabulary import STORED_VERDICTS, Domain, Path, Verdict

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _choices(field: str) -> dict[str, str]:
    return dict(Finding._meta.get_field(field).choices)


def _produced() -> dict[str, set[str]]:
    """What the engine can write into a Finding: every verdict code's word, and the domain and
    path of every registered rule."""
    return {"verdict": set(VERDICT_NAMES.values()),
            "domain": {r.domain for r in REGISTRY.values()},
            "path": {r.path for r in REGISTRY.values()}}


def _assert_chinese(labels: dict[str, str], values) -> None:
    with translation.override("zh-hans"):
        for value in values:
            label = str(labels[value])
            assert CHINESE.search(label), f"{value!r}: {label!r} has no Chinese translation"


@pytest.mark.req("G2")
@pytest.mark.parametrize("field", ["verdict", "domain", "path"])
def test_every_word_the_engine_produces_is_a_choice_with_a_chinese_label(field):
    choices = _choices(field)
    produced = _produced()[field]
    assert produced, field
    assert produced <= set(choices), sorted(produced - set(choices))
    _assert_chinese(choices, produced)


@pytest.mark.req("G2")
def test_the_field_choices_are_the_vocabulary():
    assert _choices("verdict") == dict(Verdict.choices)
    assert _choices("domain") == dict(Domain.choices)
    assert _choices("path") == dict(Path.choices)
    # Every code of the engine's verdict columns has its word, and every word its code.
    assert sorted(VERDICT_NAMES.values()) == sorted(Verdict.values)
    _assert_chinese(dict(Verdict.choices), Verdict.values)
    _assert_chinese(dict(Domain.choices), Domain.values)
    _assert_chinese(dict(Path.choices), Path.values)


@pytest.mark.req("G2")
def test_the_page_labels_come_from_the_vocabulary():
    assert selectors.DOMAIN_LABELS == dict(Domain.choices)
    assert set(selectors.VERDICT_LABELS) == {Verdict.PASS, *STORED_VERDICTS}
    assert all(selectors.VERDICT_LABELS[v] == Verdict(v).label for v in selectors.VERDICT_LABELS)
    assert set(selectors.VERDICT_BADGES) == set(selectors.VERDICT_LABELS)
    _assert_chinese(dict(AssessmentRun.Phase.choices), AssessmentRun.Phase.values)


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_a_run_stores_only_vocabulary_words(registry):
    run = assessment_run(year=2023, as_of=dt.date(2023, 12, 31), actor=None)
    stored = Finding.objects.filter(run=run)
    assert stored.exists()
    assert set(stored.values_list("verdict", flat=True)) <= set(STORED_VERDICTS)
    assert set(stored.values_list("domain", flat=True)) <= set(Domain.values)
    assert set(stored.values_list("path", flat=True)) <= set(Path.values)
    finding = stored.first()
    with translation.override("zh-hans"):
        assert CHINESE.search(finding.get_verdict_display())
        assert CHINESE.search(finding.get_domain_display())
        assert CHINESE.search(finding.get_path_display())
    assert run.phase == AssessmentRun.Phase.DONE
