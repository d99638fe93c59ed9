"""Storing a run's differentiated electricity surcharges (computed by pricing.py) next to
its findings, inside the run's writing transaction."""

from collections.abc import Callable

import numpy as np

from phaseout.lib.bulk import Batch, bulk_insert
from phaseout.standards.engine import Evaluation, Facts
from phaseout.standards.models import AssessmentRun, Surcharge
from phaseout.standards.params import ParameterSet
from phaseout.standards.pricing import surcharges


def _none_if_nan(values: np.ndarray) -> list:
    return [None if np.isnan(x) else float(x) for x in values]


def surcharge_writer(facts: Facts, evaluation: Evaluation, params: ParameterSet
                     ) -> Callable[[AssessmentRun], None]:
    result = surcharges(facts, on=evaluation.on, params=params, evaluation=evaluation)

    def write(run: AssessmentRun) -> None:
        keep = np.flatnonzero((result.rule >= 0) & (np.isnan(result.rate) | (result.rate > 0)))
        electricity = facts["ind:electricity-use"] if "ind:electricity-use" in facts else None
        amount = np.where(np.isnan(result.amount), 0.0, result.amount)
        run.counts["surcharges"] = {
            "lines": int(len(keep)),
            "lines_no_data": int(np.isnan(result.rate[keep]).sum()) if len(keep) else 0,
            "annual_amount_yuan": round(float(amount[keep].sum()), 2) if len(keep) else 0.0,
        }
        if not len(keep):
            return
        bulk_insert(Batch(Surcharge, {
            "line_id": facts["line_id"][keep].tolist(),
            "enterprise_id": facts["enterprise_id"][keep].tolist(),
            "city_id": facts["city_id"][keep].tolist(),
            "price_rule": [result.rule_id(int(i)) for i in keep],
            "rate": _none_if_nan(result.rate[keep]),
            "electricity_kwh": (_none_if_nan(electricity[keep]) if electricity is not None
                                else [None] * len(keep)),
            "amount": _none_if_nan(result.amount[keep]),
        }, {"run_id": run.pk}))

    return write
