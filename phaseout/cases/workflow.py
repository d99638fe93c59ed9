"""The legal paths of enforcement (`standards.vocabulary.Path`), one transition table per path,
with the legal basis of every edge. `transitions.transition_apply` is the only code that
changes a case's state, and only along these edges; what entering a state does to the
deadlines is the table in policy.py.

Each edge says who may take it: a handler of the responsible department takes an ACTION edge
directly; a DECISION edge is proposed by a handler and approved by the department's approver
(a different person). Some edges need evidence files or a second signature; the steps of an
exit need the exit's own records, checked by exit_validators.py (EXIT_CHECKS).

Energy (节约能源法; 工信部联产业〔2017〕30号):
    rectifying ─▶ extension_requested ─▶ extended ─▶ recheck ─▶ closed_compliant
        │              └──(refused)──▶ rectifying        └──▶ closure_proposed ─▶ closure_ordered
        └──▶ recheck                                                       ▲
        └──(deadline passed, by the sweep)──────────────────────────────────┘
Environment (环境保护法): restricted | suspended ─▶ recheck ─▶ closed_compliant
                          └──▶ closure_proposed ─▶ closure_ordered (government with the power)
Quality (产品质量法; 工业产品生产许可证管理条例): rectifying ─▶ licence_refused | licence_cancelled
                          ─▶ business_licence_revoked; any ─▶ transferred_to_police
Safety (安全生产法): suspended ─▶ recheck ─▶ closed_compliant | government_asked_to_close
                          ─▶ certificates_revoked
Eliminated equipment (产业结构调整指导目录): exit_ordered ─▶ dismantled | sealed ─▶ accepted
                          ─▶ reinspection ─▶ exited | (failed) exit_ordered
Coal power (T1): classification ─▶ extended_operation | emergency_reserve | closure_ordered
                          ─▶ dismantled ─▶ accepted ─▶ reinspection
A closure order on any path continues as an exit: closure_ordered ─▶ dismantled | sealed;
a failed re-inspection orders it again on every path, and the new order goes on the same way
(exit_ordered ─▶ dismantled | sealed, or dismantled only for coal power).
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from phaseout.standards.vocabulary import Path


class State(models.TextChoices):
    RECTIFYING = "rectifying", _("Rectifying")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENDED = "extended", _("Rectifying (extended)")
    RESTRICTED = "restricted", _("Production restricted")
    SUSPENDED = "suspended", _("Suspended for rectification")
    RECHECK = "recheck", _("Re-check")
    CLOSED_COMPLIANT = "closed_compliant", _("Closed: compliant")
    CLOSURE_PROPOSED = "closure_proposed", _("Closure proposed")
    CLOSURE_ORDERED = "closure_ordered", _("Closure ordered")
    LICENCE_REFUSED = "licence_refused", _("Licence refused")
    LICENCE_CANCELLED = "licence_cancelled", _("Licence cancelled")
    BUSINESS_LICENCE_REVOKED = "business_licence_revoked", _("Business licence revoked")
    TRANSFERRED_TO_POLICE = "transferred_to_police", _("Transferred to the police")
    GOVERNMENT_ASKED_TO_CLOSE = "government_asked_to_close", _("Local government asked to close")
    CERTIFICATES_REVOKED = "certificates_revoked", _("Certificates revoked")
    EXIT_ORDERED = "exit_ordered", _("Exit ordered")
    DISMANTLED = "dismantled", _("Dismantled")
    SEALED = "sealed", _("Sealed")
    ACCEPTED = "accepted", _("Exit accepted")
    REINSPECTION = "reinspection", _("Under re-inspection")
    EXITED = "exited", _("Exit complete")
    CLASSIFICATION = "classification", _("Awaiting classification")
    EXTENDED_OPERATION = "extended_operation", _("Extended operation")
    EMERGENCY_RESERVE = "emergency_reserve", _("Emergency reserve (closed, not dismantled)")


ACTION = "action"
DECISION = "decision"

# What an edge needs besides the permission.
EVIDENCE = "evidence"  # at least one evidence file attached to this step
APPLICATION = "application"  # the enterprise's written application (extension)
TWO_SIGNATURES = "two_signatures"  # on-site acceptance signed by two officials
PLEDGE = "pledge"  # the enterprise's public pledge not to resume production
# The exit's own records (measures with evidence, acceptance, archive, re-inspections), checked
# by exit_validators.exit_missing whoever takes the step: these steps are recorded in the exit
# panel (cases/exits.py, cases/exit_acceptance.py), not in the generic step form.
EXIT_CHECKS = "exit_checks"
FIRST_EXTENSION = "first_extension"  # the rectification period was never extended (30号: once)


@dataclass(frozen=True)
class Edge:
    basis: str
    kind: str = ACTION
    requires: frozenset[str] = frozenset()


ENERGY_LAW = "《中华人民共和国节约能源法》；工信部联产业〔2017〕30号（能耗）"
ENV_LAW = "《中华人民共和国环境保护法》第六十条；工信部联产业〔2017〕30号（环保）"
QUALITY_LAW = "《中华人民共和国产品质量法》；《工业产品生产许可证管理条例》"
SAFETY_LAW = "《中华人民共和国安全生产法》；工信部联产业〔2017〕30号（安全）"
CATALOGUE = "《产业结构调整指导目录》淘汰类；广东省推动落后产能退出工作方案"
EXIT_RULES = ("广东省推动落后产能退出工作方案：拆除主体设备，或断水断电、拆除动力装置、"
              "封存主体设备，企业公开承诺不恢复生产并在省政府网站公告")
COAL = "《关于推进煤电机组分类处置的意见》；广东省推动落后产能退出工作方案（T1）"

_EXIT = {
    State.DISMANTLED: Edge(EXIT_RULES, ACTION, frozenset({EVIDENCE, EXIT_CHECKS})),
    State.SEALED: Edge(EXIT_RULES, ACTION, frozenset({EVIDENCE, PLEDGE, EXIT_CHECKS})),
}
_ACCEPTANCE = Edge(EXIT_RULES + "；现场验收", DECISION, frozenset({TWO_SIGNATURES, EXIT_CHECKS}))
_AFTER_EXIT = {
    State.DISMANTLED: {State.ACCEPTED: _ACCEPTANCE},
    State.SEALED: {State.DISMANTLED: _EXIT[State.DISMANTLED], State.ACCEPTED: _ACCEPTANCE},
    State.ACCEPTED: {State.REINSPECTION: Edge(
        "工信部联产业〔2017〕30号：对已关停产能开展复查", ACTION, frozenset({EXIT_CHECKS}))},
    State.REINSPECTION: {
        State.EXIT_ORDERED: Edge("复查发现恢复生产或具备恢复条件，重新责令退出", DECISION,
                                 frozenset({EVIDENCE, EXIT_CHECKS})),
        State.EXITED: Edge("工信部联产业〔2017〕30号：已关停产能经复查未恢复生产，结案归档", ACTION,
                           frozenset({EXIT_CHECKS})),
    },
    State.EXIT_ORDERED: _EXIT,
}

TRANSITIONS: dict[str, dict[str, dict[str, Edge]]] = {
    Path.ENERGY: {
        State.RECTIFYING: {
            State.EXTENSION_REQUESTED: Edge(
                "工信部联产业〔2017〕30号：确需延长整改期限的，可提出不超过3个月的延期申请",
                ACTION, frozenset({APPLICATION, FIRST_EXTENSION})),
            State.RECHECK: Edge(ENERGY_LAW + "：整改完成后复查", ACTION),
            State.CLOSURE_PROPOSED: Edge(ENERGY_LAW + "：逾期未整改的依法关停退出", DECISION),
        },
        State.EXTENSION_REQUESTED: {
            State.EXTENDED: Edge("工信部联产业〔2017〕30号：延期不超过3个月，限一次", DECISION,
                                 frozenset({FIRST_EXTENSION})),
            State.RECTIFYING: Edge("延期申请不予批准，按原期限整改", DECISION),
        },
        State.EXTENDED: {
            State.RECHECK: Edge(ENERGY_LAW + "：整改完成后复查", ACTION),
            State.CLOSURE_PROPOSED: Edge(ENERGY_LAW + "：逾期未整改的依法关停退出", DECISION),
        },
        State.RECHECK: {
            State.CLOSED_COMPLIANT: Edge(ENERGY_LAW + "：复查达标", DECISION,
                                         frozenset({EVIDENCE})),
            State.CLOSURE_PROPOSED: Edge(ENERGY_LAW + "：经整改仍未达标的依法关停退出", DECISION),
        },
        State.CLOSURE_PROPOSED: {State.CLOSURE_ORDERED: Edge(
            ENERGY_LAW + "：报有权机关批准关停", DECISION, frozenset({EVIDENCE}))},
        State.CLOSURE_ORDERED: _EXIT,
        **_AFTER_EXIT,  # a failed re-inspection orders the exit again: exit_ordered ─▶ …
    },
    Path.ENVIRONMENT: {
        State.RESTRICTED: {State.RECHECK: Edge(ENV_LAW + "：限制生产后复查", ACTION),
                           State.SUSPENDED: Edge(ENV_LAW + "：情节较重的停产整治", DECISION)},
        State.SUSPENDED: {State.RECHECK: Edge(ENV_LAW + "：停产整治后复查", ACTION)},
        State.RECHECK: {
            State.CLOSED_COMPLIANT: Edge(ENV_LAW + "：复查达标", DECISION, frozenset({EVIDENCE})),
            State.CLOSURE_PROPOSED: Edge(ENV_LAW + "：情节严重的，报有批准权的人民政府批准",
                                         DECISION),
        },
        State.CLOSURE_PROPOSED: {State.CLOSURE_ORDERED: Edge(
            ENV_LAW + "：经有批准权的人民政府批准，责令停业、关闭", DECISION,
            frozenset({EVIDENCE}))},
        State.CLOSURE_ORDERED: _EXIT,
        **_AFTER_EXIT,  # a failed re-inspection orders the exit again: exit_ordered ─▶ …
    },
    Path.QUALITY: {
        State.RECTIFYING: {
            State.RECHECK: Edge(QUALITY_LAW + "：责令停产整改后复查", ACTION),
            State.LICENCE_REFUSED: Edge(QUALITY_LAW + "：不符合产业政策的不予许可", DECISION),
            State.LICENCE_CANCELLED: Edge(QUALITY_LAW + "：因落后装备等关停的注销许可证", DECISION),
            State.TRANSFERRED_TO_POLICE: Edge("《行政执法机关移送涉嫌犯罪案件的规定》", DECISION,
                                              frozenset({EVIDENCE})),
        },
        State.RECHECK: {
            State.CLOSED_COMPLIANT: Edge(QUALITY_LAW + "：复查合格", DECISION,
                                         frozenset({EVIDENCE})),
            State.LICENCE_CANCELLED: Edge(QUALITY_LAW + "：6个月内整改不合格", DECISION),
        },
        State.LICENCE_CANCELLED: {
            State.BUSINESS_LICENCE_REVOKED: Edge(
                "《中华人民共和国产品质量法》第四十九条至第五十二条：情节严重的吊销营业执照",
                DECISION, frozenset({EVIDENCE})),
            State.TRANSFERRED_TO_POLICE: Edge("《行政执法机关移送涉嫌犯罪案件的规定》", DECISION,
                                              frozenset({EVIDENCE})),
        },
        State.BUSINESS_LICENCE_REVOKED: {State.TRANSFERRED_TO_POLICE: Edge(
            "《行政执法机关移送涉嫌犯罪案件的规定》", DECISION, frozenset({EVIDENCE}))},
    },
    Path.SAFETY: {
        State.SUSPENDED: {State.RECHECK: Edge(SAFETY_LAW + "：停产停业整顿后复查", ACTION)},
        State.RECHECK: {
            State.CLOSED_COMPLIANT: Edge(SAFETY_LAW + "：复查具备安全生产条件", DECISION,
                                         frozenset({EVIDENCE})),
            State.GOVERNMENT_ASKED_TO_CLOSE: Edge(
                "《中华人民共和国安全生产法》第一百一十三条：经停产停业整顿仍不具备安全生产条件的，"
                "提请地方人民政府予以关闭", DECISION),
        },
        State.GOVERNMENT_ASKED_TO_CLOSE: {State.CERTIFICATES_REVOKED: Edge(
            "《中华人民共和国安全生产法》第一百一十三条：有关部门依法吊销其有关证照", DECISION,
            frozenset({EVIDENCE}))},
        State.CERTIFICATES_REVOKED: _EXIT,
        **_AFTER_EXIT,  # a failed re-inspection orders the exit again: exit_ordered ─▶ …
    },
    Path.ELIMINATED: dict(_AFTER_EXIT),
    Path.COAL_POWER: {
        State.CLASSIFICATION: {
            State.EXTENDED_OPERATION: Edge(COAL + "：延寿运行", DECISION),
            State.EMERGENCY_RESERVE: Edge(COAL + "：关而不拆，转为应急备用", DECISION),
            State.CLOSURE_ORDERED: Edge(COAL + "：关停拆除", DECISION),
        },
        State.EMERGENCY_RESERVE: {State.CLOSURE_ORDERED: Edge(COAL + "：关停拆除", DECISION)},
        State.CLOSURE_ORDERED: {State.DISMANTLED: _EXIT[State.DISMANTLED]},
        **{k: v for k, v in _AFTER_EXIT.items()
           if k in (State.DISMANTLED, State.ACCEPTED, State.REINSPECTION)},
        State.EXIT_ORDERED: {State.DISMANTLED: _EXIT[State.DISMANTLED]},
    },
}

INITIAL: dict[str, str] = {
    Path.ENERGY: State.RECTIFYING,
    Path.ENVIRONMENT: State.RESTRICTED,
    Path.QUALITY: State.RECTIFYING,
    Path.SAFETY: State.SUSPENDED,
    Path.ELIMINATED: State.EXIT_ORDERED,
    Path.COAL_POWER: State.CLASSIFICATION,
}

# States in which a case is finished (nothing further is expected).
FINAL = {State.CLOSED_COMPLIANT, State.TRANSFERRED_TO_POLICE, State.EXTENDED_OPERATION,
         State.LICENCE_REFUSED, State.EXITED}


def allowed(path: str, state: str) -> dict[str, Edge]:
    return TRANSITIONS[path].get(state, {})


def edge(path: str, state: str, to: str) -> Edge | None:
    return allowed(path, state).get(to)


def in_exit_panel(step: Edge) -> bool:
    """The step is recorded in the exit panel, which keeps the exit's own records first."""
    return EXIT_CHECKS in step.requires
