"""Safety (安全) in the comprehensive standard (工信部联产业〔2017〕30号): capacity that does not
meet the basic safety conditions is ordered to stop and rectify, and closed if still unsafe,
its certificates revoked (S3). Major accident hazards (重大事故隐患, judged by the 2017
criteria) and equipment or processes banned by the safety catalogues (S2: 淘汰落后安全技术装备,
the 2016 catalogue and the 2017 list for metal smelting) are recorded as safety violations,
so one rule reads them all. Induction furnaces and small blast furnaces are judged by the
eliminated-category rules and are not repeated here.

Neither rule has a 'no data' verdict. The registry is the record of certificates and
violations: when it holds no valid certificate, the enterprise has none, and when it holds no
open violation, there is none to act on."""

import numpy as np

from phaseout.standards.rulebook import Context, Facts, Outcome, flag, rule
from phaseout.standards.vocabulary import Domain, Path

ALL_INDUSTRIES = ("steel", "cement", "aluminium", "flat-glass", "coal-power", "ferroalloy",
                  "ceramics")
SAFETY_CERTIFICATE_INDUSTRIES = "compliance.safety_certificate_industries"


@rule(id="safety.open_violation", label="无未整改的重大事故隐患或淘汰落后安全技术装备",
      domain=Domain.SAFETY, industries=ALL_INDUSTRIES, path=Path.SAFETY,
      basis="《中华人民共和国安全生产法》；《工贸行业重大生产安全事故隐患判定标准（2017版）》；"
            "《淘汰落后安全技术工艺、设备目录（2016年）》；"
            "《金属冶炼企业禁止使用的设备及工艺目录（第一批）》（2017年）；"
            "工信部联产业〔2017〕30号 安全标准",
      measure="viol:safety",
      reason_fail=("有 {measured:g} 项安全生产违法行为（重大事故隐患或淘汰落后安全技术装备）"
                   "尚未整改"),
      reason_pass="无未整改的安全生产违法行为")
def open_violation(facts: Facts, ctx: Context) -> Outcome:
    # Every open safety violation counts, serious or not: each one is a basic safety
    # condition the line does not meet, and stopping to rectify is the path for all.
    count = facts["viol:safety"]
    outcome = flag(np.ones(facts.n, dtype=bool), count > 0)
    outcome.measured = count.copy()
    return outcome


@rule(id="safety.certificate", label="须持证行业持有有效的安全生产许可证",
      domain=Domain.SAFETY, industries=ALL_INDUSTRIES, path=Path.SAFETY,
      basis="《安全生产许可证条例》（国务院令第397号）第二条；工信部联产业〔2017〕30号 安全标准",
      params=(SAFETY_CERTIFICATE_INDUSTRIES,),
      reason_fail="所属行业须取得安全生产许可证，企业在评价日无有效证书",
      reason_pass="企业在评价日持有有效的安全生产许可证")
def certificate(facts: Facts, ctx: Context) -> Outcome:
    needed = ctx.param(SAFETY_CERTIFICATE_INDUSTRIES) or {}
    applies = facts.is_("industry", *[code for code, yes in needed.items() if yes])
    return flag(applies, ~facts["licence:safety"])
