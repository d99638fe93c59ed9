"""How a rule of the comprehensive standard is written: the facts it reads, the context it
may consult, the outcome it returns, and the registry it joins. Pure: no database access.

A rule is a small function `(facts, ctx) -> Outcome` registered with `@rule(...)`: an id, a
domain, the industries it covers, its legal basis, its effective dates and the enforcement
path a failure opens. An Outcome holds, for every line, a verdict code and, where the rule
compares a measurement with a limit, both numbers, so each verdict can be explained with the
value measured, the limit, and the parameter it came from.

The rule modules (standards/rules/) build on this module only; standards.engine imports them
and evaluates them, so the registry is complete wherever the engine is imported.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from phaseout.standards.params import ParameterSet, ParamRef
from phaseout.standards.vocabulary import Verdict

# Verdict codes of the vectorised columns (int8 per line) and the words they stand for.
PASS, FAIL, NO_DATA, NOT_APPLICABLE, BAD_UNIT = (np.int8(0), np.int8(1), np.int8(2), np.int8(3),
                                                 np.int8(4))
# BAD_UNIT: the indicator was recorded in a unit the rule does not take. It is reported as
# such; a value is never converted or passed silently.
VERDICT_NAMES: dict[int, str] = {
    int(code): verdict.value for code, verdict in (
        (PASS, Verdict.PASS), (FAIL, Verdict.FAIL), (NO_DATA, Verdict.NO_DATA),
        (NOT_APPLICABLE, Verdict.NOT_APPLICABLE), (BAD_UNIT, Verdict.BAD_UNIT))
}


class Facts:
    """Columns describing N production lines for one assessment year.

    Categorical columns (industry, equipment, registered use, status) are small integer
    codes with a vocabulary, so a comparison over a million lines is one vector operation.
    Numeric measurements are float64 with NaN where nothing was recorded.
    """

    def __init__(self, columns: dict[str, np.ndarray], vocab: dict[str, dict[str, int]]):
        lengths = {len(v) for v in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns differ in length: {sorted(lengths)}")
        self.columns = columns
        self.vocab = vocab
        self.n = lengths.pop() if lengths else 0

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def __contains__(self, name: str) -> bool:
        return name in self.columns

    def code(self, column: str, value: str) -> int:
        # An unknown value matches nothing (-1 is never a stored code).
        return self.vocab[column].get(value, -1)

    def is_(self, column: str, *values: str) -> np.ndarray:
        # A few equality tests are several times faster than np.isin on a million codes.
        data = self.columns[column]
        mask = np.zeros(data.shape, dtype=bool)
        for value in values:
            mask |= data == self.code(column, value)
        return mask

    def take(self, index: np.ndarray) -> "Facts":
        return Facts({k: v[index] for k, v in self.columns.items()}, self.vocab)


@dataclass
class Context:
    """What a rule may read besides the facts: the date and the parameters in force."""

    on: dt.date
    params: ParameterSet
    used: dict[str, ParamRef] = field(default_factory=dict)

    def param(self, name: str):
        """The value in force on `on`, recorded as used so verdicts can cite it."""
        ref = self.params.ref(name, self.on)
        if ref is not None:
            self.used[name] = ref
        return None if ref is None else ref.value


@dataclass
class Outcome:
    verdict: np.ndarray  # int8 per line
    measured: np.ndarray | None = None  # float64 per line, NaN where not applicable
    limit: np.ndarray | None = None
    # Lines that pass only because an exemption applies (e.g. registered foundry iron); the
    # explanation then cites the exemption rather than the measurement.
    exempt: np.ndarray | None = None


RuleFunc = Callable[[Facts, Context], Outcome]


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    domain: str  # a vocabulary.Domain code
    industries: tuple[str, ...]
    basis: str
    path: str  # a vocabulary.Path code
    func: RuleFunc
    params: tuple[str, ...] = ()
    measure: str = ""  # the facts column the rule measures, for explanations
    unit: str = ""
    since: dt.date | None = None
    until: dt.date | None = None  # last day in force
    reason_fail: str = ""
    reason_pass: str = ""
    reason_exempt: str = ""

    def in_force(self, on: dt.date) -> bool:
        return (self.since is None or self.since <= on) and (self.until is None or on <= self.until)


REGISTRY: dict[str, Rule] = {}


def rule(**meta) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function with its metadata (see Rule)."""

    def register(func: RuleFunc) -> RuleFunc:
        item = Rule(func=func, **meta)
        if item.id in REGISTRY:
            raise ValueError(f"Rule id {item.id} is registered twice.")
        REGISTRY[item.id] = item
        return func

    return register


def compare(applies: np.ndarray, measured: np.ndarray, limit: np.ndarray | float,
            *, fail_above: bool = True, unit_ok: np.ndarray | None = None) -> Outcome:
    """The common case: a measurement against a limit, for the lines the rule applies to.
    A value exactly at the limit passes (limits are maxima: 'not above')."""
    limit_arr = np.broadcast_to(np.asarray(limit, dtype=np.float64), measured.shape)
    verdict = np.full(measured.shape, NOT_APPLICABLE, dtype=np.int8)
    missing = applies & (np.isnan(measured) | np.isnan(limit_arr))
    over = measured > limit_arr if fail_above else measured < limit_arr
    verdict[applies] = PASS
    verdict[applies & over] = FAIL
    verdict[missing] = NO_DATA
    if unit_ok is not None:
        verdict[applies & ~np.isnan(measured) & ~unit_ok] = BAD_UNIT
    measured_out = np.where(applies, measured, np.nan)
    limit_out = np.where(applies, limit_arr, np.nan)
    return Outcome(verdict, measured_out, limit_out)


def flag(applies: np.ndarray, failing: np.ndarray, known: np.ndarray | None = None) -> Outcome:
    """A yes/no rule (eliminated equipment, missing licence). `known` False → no data."""
    verdict = np.full(applies.shape, NOT_APPLICABLE, dtype=np.int8)
    verdict[applies] = PASS
    verdict[applies & failing] = FAIL
    if known is not None:
        verdict[applies & ~known] = NO_DATA
    return Outcome(verdict)
