"""The annual assessment run: stored findings pinned to their law and data, idempotent
re-runs, no half state on failure, scope, explanations and what-if."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from phaseout.audit.services import audit_verify
from phaseout.reference.models import Division
from phaseout.registry.models import ProductionLine
from phaseout.standards import services, whatif
from phaseout.standards.explain import explain_finding, explain_line
from phaseout.standards.models import AssessmentRun, Finding
from phaseout.standards.params import current_parameters

ON = dt.date(2023, 12, 31)


def _run(**kwargs) -> AssessmentRun:
    return services.assessment_run(year=2023, as_of=kwargs.pop("as_of", ON), actor=None, **kwargs)


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_stores_the_failing_verdicts_with_the_law_it_applied(registry):
    run = _run()
    assert run.status == AssessmentRun.Status.DONE and run.line_count == 4
    failing = set(Finding.objects.filter(run=run, verdict="fail").values_list("line_id", "rule_id"))
    assert (registry["steel_bf"].pk, "eliminated.steel.blast_furnace") in failing
    assert (registry["steel_if"].pk, "eliminated.steel.induction_furnace") in failing
    cited = run.params_used["catalogue.blast_furnace_max_size"]
    assert cited["value"] == 400 and "2019年本" in cited["basis"]
    assert len(run.params_digest) == 64 and len(run.facts_digest) == 64
    assert audit_verify().ok


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_changes_nothing_when_data_and_law_are_unchanged(registry):
    first = _run()
    stored = Finding.objects.count()
    second = _run()
    assert second.same_as == first
    assert Finding.objects.count() == stored
    assert second.counts == first.counts


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_judges_again_when_the_data_changed(registry):
    first = _run()
    ProductionLine.objects.filter(pk=registry["steel_bf"].pk).update(size=1080)
    second = _run()
    assert second.same_as is None
    assert not Finding.objects.filter(run=second, line=registry["steel_bf"],
                                      rule_id="eliminated.steel.blast_furnace").exists()
    assert Finding.objects.filter(run=first, line=registry["steel_bf"]).exists()


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_leaves_no_findings_when_a_run_fails_while_writing(registry, monkeypatch):
    def broken(facts, evaluation, params):
        def write(run):
            raise RuntimeError("disk full")
        return [write]

    monkeypatch.setattr(services, "_extra_writers", broken)
    with pytest.raises(RuntimeError):
        _run()
    run = AssessmentRun.objects.get()
    assert run.status == AssessmentRun.Status.FAILED and "disk full" in run.error
    assert not Finding.objects.exists()


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_lets_only_one_worker_claim_a_queued_run(registry):
    run = services.assessment_request(year=2023, as_of=ON, actor=None)
    assert services.assessment_claim(run) is True
    assert services.assessment_claim(run) is False


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_refuses_a_year_that_has_not_begun(registry):
    with pytest.raises(services.AssessmentError):
        services.assessment_request(year=2099, as_of=dt.date(2099, 1, 1), actor=None)


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_cites_the_catalogue_edition_in_force_on_the_as_of_date(registry):
    before = _run(as_of=dt.date(2024, 1, 31))
    after = _run(as_of=dt.date(2024, 2, 1))
    assert "2019年本" in before.params_used["catalogue.blast_furnace_max_size"]["basis"]
    assert "2024年本" in after.params_used["catalogue.blast_furnace_max_size"]["basis"]


@pytest.mark.req("G2", "P1")
@pytest.mark.django_db
def test_it_judges_only_the_lines_of_the_scope(registry):
    shaoguan = Division.objects.get(code="440200", level="city")
    run = _run(scope=shaoguan)
    assert run.line_count == 3  # the Guangzhou glass works is not judged
    assert not Finding.objects.filter(run=run, line=registry["glass_float"]).exists()


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_explains_a_verdict_with_value_limit_and_citation(registry):
    run = _run()
    finding = Finding.objects.get(run=run, line=registry["steel_bf"],
                                  rule_id="eliminated.steel.blast_furnace")
    explained = explain_finding(finding, run=run)
    assert explained.measured == 380 and explained.limit == 400
    assert "380" in explained.reason and "400" in explained.reason
    assert explained.params[0]["name"] == "catalogue.blast_furnace_max_size"
    assert "淘汰类" in explained.basis
    live = explain_line(line_id=registry["cement_kiln"].pk, year=2023, as_of=ON,
                        params=current_parameters())
    assert all(e.reason for e in live)


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_prints_progress_and_a_summary(registry, capsys):
    call_command("assess", "--year", "2023", "--as-of", "2023-12-31")
    out = capsys.readouterr().out
    assert "judging" in out and "4 lines judged" in out
    with pytest.raises(CommandError, match="--year"):
        call_command("assess")


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_shows_what_a_proposed_threshold_would_change_without_storing_it(registry, tmp_path):
    baseline = _run()
    proposal = tmp_path / "proposal.yaml"
    proposal.write_text("catalogue.blast_furnace_max_size:\n"
                        "  - {start: 2023-01-01, value: 300, basis: 征求意见稿}\n",
                        encoding="utf-8")
    overrides = whatif.overrides_parse(proposal.read_text(encoding="utf-8"))
    result = whatif.what_if(year=2023, as_of=ON, overrides=overrides)
    assert result.by_rule["eliminated.steel.blast_furnace"] == (0, 1)
    assert AssessmentRun.objects.count() == 1 and AssessmentRun.objects.get() == baseline
    out = tmp_path / "diff.csv"
    call_command("assess", "--year", "2023", "--as-of", "2023-12-31", "--what-if",
                 str(proposal), "--out", str(out))
    assert out.read_text(encoding="utf-8").startswith("\ufeff城市")


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_names_the_problem_in_a_malformed_what_if_file(registry, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("catalogue.no_such_parameter:\n  - {start: 2023-01-01, value: 1}\n",
                   encoding="utf-8")
    with pytest.raises(CommandError, match="no_such_parameter"):
        call_command("assess", "--year", "2023", "--what-if", str(bad))
