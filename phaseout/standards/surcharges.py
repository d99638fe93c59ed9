"""Storing a run's differentiated electricity surcharges (computed by standards.pricing)
next to its findings, inside the run's writing transaction."""

from collections.abc import Callable

import numpy as np
import polars as pl

from phaseout.lib.bulk import bulk_insert_frame
from phaseout.standards.engine import Evaluation, Facts
from phaseout.standards.models import AssessmentRun, Surcharge
from phaseout.standards.params import ParameterSet
from phaseout.standards.pricing import surcharges


def _nullable(values: np.ndarray) -> pl.Series:
    """Floats with NaN stored as NULL."""
    return pl.Series(values=np.asarray(values, dtype=np.float64)).fill_nan(None)


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
        rule_ids = np.array([r.id for r in result.rules])
        bulk_insert_frame(Surcharge, pl.DataFrame({
            "line_id": facts["line_id"][keep],
            "enterprise_id": facts["enterprise_id"][keep],
            "city_id": facts["city_id"][keep],
            "price_rule": rule_ids[result.rule[keep]],
            "rate": _nullable(result.rate[keep]),
            "electricity_kwh": _nullable(electricity[keep] if electricity is not None
                                         else np.full(len(keep), np.nan)),
            "amount": _nullable(result.amount[keep]),
        }), {"run_id": run.pk})

    return write
