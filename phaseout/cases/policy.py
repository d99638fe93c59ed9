"""What the legal steps do to deadlines, in one declarative table.

`ENTERING` says, per state a case enters (by being opened in it, or by a transition), which
deadline it opens and with which parameter of `procedure.*` (standards/params), which open
deadlines it fulfils (marked met), which it supersedes (marked cancelled, kept), whether it
ends a credit record (the enterprise exited or rectified, W2) and whether it closes the case.
`OVERDUE` says, per kind of deadline, what follows when it passes unmet: the sweep records it,
tells the officials, and applies the consequence named here.

Single opening (`services.case_open`), bulk opening (`opening.py`), every transition
(`transitions.transition_apply`) and the sweep (`sweep.deadlines_sweep`) read these tables
through schedule.py; nothing else decides deadlines.
"""

from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _

from phaseout.cases.models import Deadline
from phaseout.cases.workflow import FINAL, State
from phaseout.standards.vocabulary import Path

K = Deadline.Kind

MONTHS = "months"  # Civil Code Arts. 201–203: the corresponding day, rolled past rest days
WORKDAYS = "workdays"

# When a state opens its deadline:
ALWAYS = "always"
ONCE = "once"  # only if the case never had a deadline of this kind (no new period on re-entry)
UNLESS_RUNNING = "unless_running"  # only if none of this kind is open (not met, passed, moot)


@dataclass(frozen=True)
class Period:
    """A deadline a state opens: its kind, the `procedure.*` parameter that sets its length
    (one per path when the length differs by path; a list value opens one deadline each)."""

    kind: str
    param: str | dict[str, str]
    unit: str = MONTHS
    when: str = ALWAYS
    # Entering from these states opens nothing (a sealed line dismantled later keeps the
    # acceptance period its sealing started, T2).
    not_after: frozenset[str] = frozenset()
    # The length is asked for by the official, at most the parameter, and counts from the
    # nominal end of the latest deadline of this kind, which it replaces (the extension, 30号).
    extends: str = ""

    def param_on(self, path: str) -> str | None:
        return self.param.get(path) if isinstance(self.param, dict) else self.param


@dataclass(frozen=True)
class Entering:
    opens: Period | None = None
    fulfils: tuple[str, ...] = ()
    supersedes: tuple[str, ...] = ()
    repairs_credit: bool = False
    closes: bool = False


@dataclass(frozen=True)
class Overdue:
    """The consequence of a passed deadline. `proposes`: the system moves the case along this
    edge of the transition table (actor: nobody, under the law), on `paths`, from `states`;
    `credit_record`: the missed exit goes to the public credit platform (W2)."""

    proposes: str = ""
    paths: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()
    note: str = ""
    credit_record: bool = False


RUNNING_PERIODS = (K.RECTIFICATION, K.EXTENSION, K.RECHECK)
ORDER_PERIODS = (*RUNNING_PERIODS, K.REINSPECTION)
# An order to exit (or to close, which goes on as an exit) starts the dismantling period,
# unless the one from an earlier order still runs.
_EXIT_ORDER = Entering(opens=Period(K.DISMANTLING, "dismantling_months", when=UNLESS_RUNNING),
                       supersedes=ORDER_PERIODS)
# A finished case: every deadline still open is moot.
_CLOSE = Entering(supersedes=tuple(K.values), closes=True)

ENTERING: dict[str, Entering] = {
    State.RECTIFYING: Entering(opens=Period(K.RECTIFICATION, {
        Path.ENERGY: "energy_rectification_months",
        Path.QUALITY: "quality_rectification_months",
    }, when=ONCE)),
    State.EXTENDED: Entering(opens=Period(K.EXTENSION, "extension_max_months",
                                          extends=K.RECTIFICATION)),
    State.RECHECK: Entering(opens=Period(K.RECHECK, "recheck_workdays", WORKDAYS),
                            fulfils=(K.RECTIFICATION, K.EXTENSION)),
    State.CLOSURE_PROPOSED: Entering(supersedes=RUNNING_PERIODS),
    State.CLOSURE_ORDERED: _EXIT_ORDER,
    State.CERTIFICATES_REVOKED: _EXIT_ORDER,
    State.EXIT_ORDERED: _EXIT_ORDER,
    State.DISMANTLED: Entering(opens=Period(K.ACCEPTANCE, "acceptance_workdays", WORKDAYS,
                                            not_after=frozenset({State.SEALED})),
                               fulfils=(K.DISMANTLING,)),
    State.SEALED: Entering(opens=Period(K.ACCEPTANCE, "acceptance_workdays", WORKDAYS)),
    State.ACCEPTED: Entering(opens=Period(K.REINSPECTION, "reinspection_months"),
                             fulfils=(K.ACCEPTANCE,), repairs_credit=True),
    **{state: _CLOSE for state in FINAL},
    State.CLOSED_COMPLIANT: replace(_CLOSE, repairs_credit=True),
}

NOTHING = Entering()

# Energy: a rectification (or its extension) that passes unmet leads to closure under the law
# (节约能源法; 30号); the system proposes it and the department's approver decides.
_CLOSURE = Overdue(proposes=State.CLOSURE_PROPOSED, paths=frozenset({Path.ENERGY}),
                   states=frozenset({State.RECTIFYING, State.EXTENDED}),
                   note=_("Rectification period passed without compliance."))

OVERDUE: dict[str, Overdue] = {
    K.RECTIFICATION: _CLOSURE,
    K.EXTENSION: _CLOSURE,
    K.RECHECK: Overdue(),
    K.DISMANTLING: Overdue(credit_record=True),
    K.ACCEPTANCE: Overdue(),
    K.REINSPECTION: Overdue(),
}


def entering(state: str) -> Entering:
    return ENTERING.get(state, NOTHING)


def escalation(consequence: Overdue, path: str, state: str) -> str:
    """The state the system moves a case to when the deadline passes, or ''."""
    if consequence.proposes and path in consequence.paths and state in consequence.states:
        return consequence.proposes
    return ""
