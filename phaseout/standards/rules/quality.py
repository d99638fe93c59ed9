"""Quality (质量) in the comprehensive standard (工信部联产业〔2017〕30号): an enterprise that
makes steel bar or cement must hold a valid industrial product production licence (Q1), and a
serious product-quality violation still open opens the quality path, where the licence is
revoked and suspected crimes go to the police (Q3).

Neither rule has a 'no data' verdict. The registry is the record of licences and violations:
when it holds no valid licence, the enterprise has none, and when it holds no open violation,
there is none to act on."""

import numpy as np

from phaseout.standards.rulebook import Context, Facts, Outcome, flag, rule
from phaseout.standards.vocabulary import Domain, Path

PRODUCTION_LICENCE_EQUIPMENT = "compliance.production_licence_equipment"

# Lines registered for these uses make castings, foundry iron, ferroalloy or cast pipe, not
# steel bar or cement, so the production licence for those products does not concern them.
NOT_LICENSED_PRODUCTS = ("machinery_casting", "foundry_iron", "ferroalloy", "cast_pipe")


@rule(id="quality.production_licence", label="持有有效的工业产品生产许可证（建筑用钢筋、水泥）",
      domain=Domain.QUALITY, industries=("steel", "cement"), path=Path.QUALITY,
      basis="《工业产品生产许可证管理条例》（国务院令第440号）；工信部联产业〔2017〕30号 质量标准",
      params=(PRODUCTION_LICENCE_EQUIPMENT,),
      reason_fail="企业在评价日无有效的工业产品生产许可证",
      reason_pass="企业在评价日持有有效的工业产品生产许可证")
def production_licence(facts: Facts, ctx: Context) -> Outcome:
    needed = ctx.param(PRODUCTION_LICENCE_EQUIPMENT) or {}
    equipment = [code for code, yes in needed.items() if yes]
    applies = (facts.is_("equipment", *equipment)
               & ~facts.is_("registered_use", *NOT_LICENSED_PRODUCTS))
    return flag(applies, ~facts["licence:production"])


@rule(id="quality.serious_violation", label="无未处理完毕的严重产品质量违法行为",
      domain=Domain.QUALITY,
      industries=("steel", "cement", "aluminium", "flat-glass", "coal-power", "ferroalloy",
                  "ceramics"),
      path=Path.QUALITY,
      basis="《中华人民共和国产品质量法》第四十九条、第五十条；工信部联产业〔2017〕30号 质量标准",
      measure="viol_serious:quality",
      reason_fail="有 {measured:g} 项严重产品质量违法行为尚未处理完毕",
      reason_pass="无未处理完毕的严重产品质量违法行为")
def serious_violation(facts: Facts, ctx: Context) -> Outcome:
    # A violation counts whatever the line makes, so the rule applies to every judged line.
    count = facts["viol_serious:quality"]
    outcome = flag(np.ones(facts.n, dtype=bool), count > 0)
    outcome.measured = count.copy()
    return outcome
