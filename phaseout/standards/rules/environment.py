"""Environment (环保) in the comprehensive standard (工信部联产业〔2017〕30号): emissions above
the standards, breaches of the solid-waste law or emissions above the total-load quota lead
to restricted production or suspension for rectification, and serious cases to closure
(V3); key industries must hold a pollutant discharge permit (V1).

Neither rule has a 'no data' verdict. The registry is the record of permits and violations:
when it holds no valid permit, the enterprise has none, and when it holds no open violation,
there is none to act on."""

import numpy as np

from phaseout.standards.rulebook import Context, Facts, Outcome, flag, rule
from phaseout.standards.vocabulary import Domain, Path

ALL_INDUSTRIES = ("steel", "cement", "aluminium", "flat-glass", "coal-power", "ferroalloy",
                  "ceramics")
DISCHARGE_PERMIT_INDUSTRIES = "compliance.discharge_permit_industries"


@rule(id="environment.open_violation", label="无未整改的环境违法行为（超标排放、固体废物、超总量）",
      domain=Domain.ENVIRONMENT, industries=ALL_INDUSTRIES, path=Path.ENVIRONMENT,
      basis="《中华人民共和国环境保护法》第六十条；《中华人民共和国固体废物污染环境防治法》；"
            "工信部联产业〔2017〕30号 环保标准",
      measure="viol:environment",
      reason_fail="有 {measured:g} 项环境违法行为（超标排放、固体废物或超总量）尚未整改",
      reason_pass="无未整改的环境违法行为")
def open_violation(facts: Facts, ctx: Context) -> Outcome:
    # Serious or not, an open violation restricts production; the case decides whether it
    # goes further to closure, so the rule does not split them.
    count = facts["viol:environment"]
    outcome = flag(np.ones(facts.n, dtype=bool), count > 0)
    outcome.measured = count.copy()
    return outcome


@rule(id="environment.discharge_permit", label="重点行业持有有效的排污许可证",
      domain=Domain.ENVIRONMENT, industries=ALL_INDUSTRIES, path=Path.ENVIRONMENT,
      basis="《排污许可管理条例》（国务院令第736号）；工信部联产业〔2017〕30号 环保标准",
      params=(DISCHARGE_PERMIT_INDUSTRIES,),
      reason_fail="所属行业须取得排污许可证，企业在评价日无有效排污许可证",
      reason_pass="企业在评价日持有有效的排污许可证")
def discharge_permit(facts: Facts, ctx: Context) -> Outcome:
    needed = ctx.param(DISCHARGE_PERMIT_INDUSTRIES) or {}
    applies = facts.is_("industry", *[code for code, yes in needed.items() if yes])
    return flag(applies, ~facts["licence:discharge"])
