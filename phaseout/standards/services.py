"""Running the annual assessment: every judged line against every rule in force, in one
vectorised pass, stored with the parameter set and facts it used.

A run is a row that moves queued → running → done (or failed). `assessment_execute` claims a
queued run with a conditional update (so two workers never run it twice), loads the facts,
judges, and writes findings and surcharges in ONE transaction: a run that fails leaves no
findings behind. A run whose parameters and facts are identical to the last finished run of
the same year, date and scope stores nothing new and points at it (`same_as`), so
re-running changes nothing downstream."""

import datetime as dt
import hashlib
from collections.abc import Callable

import numpy as np
import polars as pl
from django.db import transaction
from django.utils import timezone

from phaseout.audit.actions import Action
from phaseout.audit.services import audit_record
from phaseout.lib.bulk import bulk_insert_frame
from phaseout.reference.models import Division
from phaseout.standards.engine import (
    BAD_UNIT,
    FAIL,
    NO_DATA,
    NOT_APPLICABLE,
    PASS,
    VERDICT_NAMES,
    Evaluation,
    Facts,
    evaluate,
)
from phaseout.standards.facts import facts_load, scope_filter
from phaseout.standards.models import AssessmentRun, Finding
from phaseout.standards.params import ParameterSet, current_parameters
from phaseout.standards.surcharges import surcharge_writer

Phase = AssessmentRun.Phase

Progress = Callable[[str, int], None]


class AssessmentError(Exception):
    pass


def default_as_of(year: int) -> dt.date:
    """The law in force at the end of the year, or today for the current year."""
    return min(dt.date(year, 12, 31), timezone.localdate())


def facts_digest(facts: Facts) -> str:
    digest = hashlib.sha256()
    for name in sorted(facts.columns):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(facts.columns[name]).tobytes())
    return digest.hexdigest()


def params_used(evaluation: Evaluation) -> dict:
    used: dict[str, dict] = {}
    for result in evaluation.results:
        for name, ref in result.used.items():
            used[name] = {"value": ref.value, "unit": ref.unit, "start": ref.start.isoformat(),
                          "basis": ref.basis, "status": ref.status}
    return used


@transaction.atomic
def assessment_request(*, year: int, as_of: dt.date, actor, scope: Division | None = None
                       ) -> AssessmentRun:
    """Queue an assessment of `year` under the law in force on `as_of`.

    Raises: AssessmentError for a year in the future or a date before the year.
    """
    today = timezone.localdate()
    if year > today.year:
        raise AssessmentError(f"{year} has not begun: assess a past or the current year.")
    if as_of.year < year:
        raise AssessmentError(f"The as-of date {as_of} lies before the assessed year {year}.")
    run = AssessmentRun.objects.create(year=year, as_of=as_of, scope=scope, requested_by=actor)
    audit_record(actor=actor, action=Action.ASSESSMENT_REQUEST, object_type="assessment_run",
                 object_id=run.pk, after={"year": year, "as_of": as_of,
                                          "scope": scope.code if scope else None})
    return run


def assessment_claim(run: AssessmentRun) -> bool:
    """Take a queued run for this worker; False if another worker already has it."""
    claimed = AssessmentRun.objects.filter(pk=run.pk, status=AssessmentRun.Status.QUEUED).update(
        status=AssessmentRun.Status.RUNNING, started_at=timezone.now(), phase=Phase.CLAIMED)
    return claimed == 1


def _progress(run: AssessmentRun, report: Progress, phase: str, percent: int) -> None:
    # Autocommit update outside the writing transaction, so the page that polls sees it.
    AssessmentRun.objects.filter(pk=run.pk).update(phase=phase, progress=percent)
    report(phase, percent)


def _previous_identical(run: AssessmentRun) -> AssessmentRun | None:
    return (AssessmentRun.objects.filter(
        status=AssessmentRun.Status.DONE, year=run.year, as_of=run.as_of, scope=run.scope,
        params_digest=run.params_digest, facts_digest=run.facts_digest, same_as__isnull=True)
        .exclude(pk=run.pk).order_by("-id").first())


# A line's verdict in a domain is its worst verdict among the domain's rules: fail before
# wrong unit before no data before pass, not applicable lowest. _FROM_RANK[rank] is the verdict
# code of a rank, _RANK[code] the rank of a verdict code.
_FROM_RANK = np.array([NOT_APPLICABLE, PASS, NO_DATA, BAD_UNIT, FAIL], dtype=np.int8)
_RANK = np.argsort(_FROM_RANK).astype(np.int8)


def domain_verdicts(evaluation: Evaluation) -> dict[str, np.ndarray]:
    """Per domain, each line's worst verdict over the domain's rules (fail before wrong unit
    before no data before pass)."""
    ranks: dict[str, np.ndarray] = {}
    for result in evaluation.results:
        rank = _RANK[result.outcome.verdict]
        domain = result.rule.domain
        ranks[domain] = np.maximum(ranks[domain], rank) if domain in ranks else rank
    return {domain: _FROM_RANK[rank] for domain, rank in ranks.items()}


def _counts(facts: Facts, evaluation: Evaluation) -> dict:
    """Totals for the dashboard: per city, industry and domain, the number of LINES (and their
    capacity) in each domain verdict, so a line failing two rules of a domain counts once."""
    rows = []
    capacity = np.nan_to_num(facts["capacity"])
    industry_names = {v: k for k, v in facts.vocab["industry"].items()}
    # One small integer key per line and verdict: (city, industry, verdict) → bincount.
    cities, city_index = np.unique(facts["city_id"], return_inverse=True)
    industries, industry_index = np.unique(facts["industry"], return_inverse=True)
    n_verdicts = len(VERDICT_NAMES)
    line_key = (city_index.ravel() * len(industries) + industry_index.ravel()) * n_verdicts
    bins = len(cities) * len(industries) * n_verdicts
    for domain, verdict in sorted(domain_verdicts(evaluation).items()):
        judged = verdict != NOT_APPLICABLE
        if not judged.any():
            continue
        keys = line_key[judged] + verdict[judged]
        n = np.bincount(keys, minlength=bins)
        cap = np.bincount(keys, weights=capacity[judged], minlength=bins)
        for key in np.flatnonzero(n).tolist():
            place, code = divmod(key, n_verdicts)
            city, industry = divmod(place, len(industries))
            rows.append([int(cities[city]), industry_names.get(int(industries[industry]), "?"),
                         domain, VERDICT_NAMES[code], int(n[key]), round(float(cap[key]), 4)])
    return {"by_city_industry_domain_verdict": sorted(rows)}


def _finding_frame(run: AssessmentRun, facts: Facts, evaluation: Evaluation
                   ) -> pl.DataFrame | None:
    """The findings of a run as columns (the verdicts other than pass and not applicable),
    built with numpy per rule, never a Python object per finding."""
    names = np.array([VERDICT_NAMES[k] for k in sorted(VERDICT_NAMES)])
    parts = []
    for result in evaluation.results:
        outcome = result.outcome
        stored = np.flatnonzero((outcome.verdict != PASS) & (outcome.verdict != NOT_APPLICABLE))
        if not len(stored):
            continue
        n = len(stored)

        def values(array: np.ndarray | None, stored=stored, n=n) -> pl.Series:
            if array is None:
                return pl.Series(values=np.full(n, np.nan)).fill_nan(None)
            return pl.Series(values=array[stored].astype(np.float64)).fill_nan(None)

        parts.append(pl.DataFrame({
            "line_id": facts["line_id"][stored], "enterprise_id": facts["enterprise_id"][stored],
            "city_id": facts["city_id"][stored], "county_id": facts["county_id"][stored],
            "rule_id": pl.repeat(result.rule.id, n, eager=True),
            "domain": pl.repeat(result.rule.domain, n, eager=True),
            "path": pl.repeat(result.rule.path, n, eager=True),
            "verdict": names[outcome.verdict[stored]],
            "measured": values(outcome.measured), "limit": values(outcome.limit),
        }))
    if not parts:
        return None
    return pl.concat(parts)


def _write_results(run: AssessmentRun, facts: Facts, evaluation: Evaluation,
                   extra_writers: list[Callable[[AssessmentRun], None]]) -> None:
    frame = _finding_frame(run, facts, evaluation)
    if frame is not None:
        bulk_insert_frame(Finding, frame, {"run_id": run.pk})
    for writer in extra_writers:
        writer(run)


def assessment_execute(run: AssessmentRun, *, params: ParameterSet | None = None,
                       progress: Progress | None = None) -> AssessmentRun:
    """Judge the run's lines and store the results (the run must be claimed first).

    Raises: AssessmentError if the run was not claimed; any failure marks the run failed
    and leaves no findings.
    """
    if not AssessmentRun.objects.filter(pk=run.pk, status=AssessmentRun.Status.RUNNING).exists():
        raise AssessmentError(f"Run #{run.pk} is not claimed by this worker.")
    report = progress or (lambda phase, pct: None)
    try:
        return _execute(run, params or current_parameters(), report)
    except Exception as exc:
        AssessmentRun.objects.filter(pk=run.pk).update(
            status=AssessmentRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now())
        raise


def _execute(run: AssessmentRun, params: ParameterSet, report: Progress) -> AssessmentRun:
    _progress(run, report, Phase.LOADING.value, 5)
    facts = facts_load(year=run.year, on=run.as_of, **scope_filter(run.scope))
    run.facts_digest, run.params_digest = facts_digest(facts), params.digest
    run.line_count = facts.n
    _progress(run, report, Phase.JUDGING.value, 40)
    evaluation = evaluate(facts, on=run.as_of, params=params)
    run.rule_ids = [r.rule.id for r in evaluation.results]
    run.params_used = params_used(evaluation)
    previous = _previous_identical(run)
    if previous is None:
        # Computed before the writing transaction (surcharges, totals), so it only writes.
        counts = _counts(facts, evaluation)
        writers = _extra_writers(facts, evaluation, params)
    _progress(run, report, Phase.WRITING.value, 70)
    with transaction.atomic():
        if previous is not None:
            run.same_as, run.counts = previous, previous.counts
        else:
            run.counts = counts
            _write_results(run, facts, evaluation, writers)
        run.status, run.phase, run.progress = AssessmentRun.Status.DONE, Phase.DONE, 100
        run.finished_at = timezone.now()
        run.save()
        audit_record(actor=run.requested_by, action=Action.ASSESSMENT_RUN,
                     object_type="assessment_run", object_id=run.pk,
                     after={"year": run.year, "as_of": run.as_of, "lines": run.line_count,
                            "params_digest": run.params_digest,
                            "facts_digest": run.facts_digest,
                            "same_as": previous.pk if previous else None})
    report(Phase.DONE.value, 100)
    return run


def _extra_writers(facts: Facts, evaluation: Evaluation, params: ParameterSet) -> list:
    """What a run writes besides its findings (inside the same transaction)."""
    return [surcharge_writer(facts, evaluation, params)]


def assessment_run(*, year: int, as_of: dt.date, actor, scope: Division | None = None,
                   progress: Progress | None = None) -> AssessmentRun:
    """Queue, claim and execute an assessment in this process (the `assess` command)."""
    run = assessment_request(year=year, as_of=as_of, actor=actor, scope=scope)
    if not assessment_claim(run):
        raise AssessmentError(f"Run #{run.pk} was claimed by another worker.")
    run.refresh_from_db()
    return assessment_execute(run, progress=progress)
