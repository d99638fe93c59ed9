"""Why a line pays what it pays, in Chinese, for the calculator, the line page and
decisions: built from the same arrays the rate came from (SurchargeResult)."""

import numpy as np

from phaseout.standards.pricing.combine import SurchargeResult
from phaseout.standards.pricing.rules import PRICE_RULES, RULE_INDEX


def _num(value: float) -> str:
    if value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _yuan(value: float) -> str:
    # At least two decimals (0.40), more only when the rate has them (0.0285).
    text = f"{value:.4f}".rstrip("0")
    return text + "0" * max(0, 2 - len(text.split(".")[1]))


def _explain_1239(d: dict, result: SurchargeResult) -> str:
    if d["measured"] <= d["threshold"]:
        return (f"铝液综合交流电耗 {_num(d['measured'])} kWh/t，不高于基准 "
                f"{_num(d['threshold'])} kWh/t，不加价")
    used = result.used["price.aluminium.tier_1239"]
    step = used["prices.aluminium_1239.step"].value
    per_step = used["prices.aluminium_1239.step_surcharge"].value
    text = (f"铝液综合交流电耗 {_num(d['measured'])} kWh/t，超过基准 {_num(d['threshold'])} "
            f"kWh/t 共 {_num(d['measured'] - d['threshold'])} kWh/t，按每 {_num(step)} kWh/t "
            f"加价 {_yuan(per_step)} 元计 {_num(d['steps'])} 档，"
            f"加价 {_yuan(d['base_rate'])} 元/kWh")
    if d["reduction"] > 0:
        text += (f"；非水可再生能源电力占比 {_num(d['share'])}%，加价降低 "
                 f"{_num(d['reduction'] * 100)}%")
    if d["late_factor"] > 1:
        text += f"；逾期 {_num(d['late_days'])} 天未缴，按 {_num(d['late_factor'])} 倍收取"
    if d["reduction"] > 0 or d["late_factor"] > 1:
        text += f"，执行加价 {_yuan(d['rate'])} 元/kWh"
    return text


def _explain_2530(d: dict, result: SurchargeResult) -> str:
    tiers = result.used["price.aluminium.tier_2530"]
    t1 = tiers["prices.aluminium_2530.tier1_threshold"].value
    t2 = tiers["prices.aluminium_2530.tier2_threshold"].value
    m = _num(d["measured"])
    if d["rate"] == 0:
        return f"铝液交流电耗 {m} kWh/t，不高于 {_num(t1)} kWh/t，不加价"
    if d["measured"] <= t2:
        return (f"铝液交流电耗 {m} kWh/t，高于 {_num(t1)} kWh/t、不高于 {_num(t2)} kWh/t，"
                f"执行第一档，加价 {_yuan(d['rate'])} 元/kWh")
    return (f"铝液交流电耗 {m} kWh/t，高于 {_num(t2)} kWh/t，执行第二档，"
            f"加价 {_yuan(d['rate'])} 元/kWh")


def _explain_75(d: dict, result: SurchargeResult) -> str:
    name = "可比熟料综合电耗" if d["clinker"] == 1 else "可比水泥综合电耗"
    if d["rate"] == 0:
        return (f"{name} {_num(d['measured'])} kWh/t，"
                f"不高于基准 {_num(d['threshold'])} kWh/t，不加价")
    excess = (d["measured"] - d["threshold"]) / d["threshold"] * 100
    return (f"{name} {_num(d['measured'])} kWh/t，超过基准 {_num(d['threshold'])} kWh/t "
            f"{excess:.1f}%，加价 {_yuan(d['rate'])} 元/kWh")


def _explain_energy(d: dict, result: SurchargeResult) -> str:
    if np.isnan(d["measured"]):
        over = "未通过能耗限额判定"
    else:
        over = f"能耗 {_num(d['measured'])}，超过限额 {_num(d['threshold'])}"
    if d["rule"] == "price.steel.tier_2803":
        if d["rate"] == 0:
            return "工序能耗未超过GB 21256限额，不加价"
        return f"工序{over}，执行钢铁阶梯电价，加价 {_yuan(d['rate'])} 元/kWh"
    factor = result.used["price.punitive"]["prices.punitive.double_factor"].value
    doubled = d["threshold"] > 0 and d["measured"] > factor * d["threshold"]
    band = f"超过限额{_num(factor)}倍以上，按淘汰类" if doubled else "在限额两倍以内，按限制类"
    return f"单位产品{over}，{band}标准执行惩罚性电价，加价 {_yuan(d['rate'])} 元/kWh"


_FLAT_REASONS = {
    "price.cement.differential_880": "窑型属880号所列淘汰类水泥熟料窑，执行差别电价",
    "price.steel.eliminated_2803": "属淘汰类装备，执行差别电价",
    "price.steel.task_missed_2803": "企业未完成化解过剩产能任务，按淘汰类标准执行",
    "price.steel.restricted_2803": "属限制类装备，执行差别电价",
}
_EXPLAIN = {
    "price.aluminium.tier_1239": _explain_1239,
    "price.aluminium.tier_2530": _explain_2530,
    "price.cement.tier_75": _explain_75,
    "price.steel.tier_2803": _explain_energy,
    "price.punitive": _explain_energy,
}


def explain(result: SurchargeResult, i: int) -> str:
    """Why line i pays what it pays, in Chinese, from the same arrays the rate came from."""
    rule_id = result.rule_id(i)
    if rule_id is None:
        if result.exempt[i]:
            return "干法中空窑登记为特种水泥生产，不执行880号差别电价，不加价"
        return "不适用差别化电价政策，不加价"
    label = PRICE_RULES[RULE_INDEX[rule_id]].label
    if result.no_data[i]:
        return f"适用{label}，但缺少所需数据（指标未填报、单位不符或无能耗判定），无法计算加价"
    inputs = result.details | {"rate": result.rate}
    d = {name: float(values[i]) for name, values in inputs.items()}
    d["rule"] = rule_id
    if rule_id in _FLAT_REASONS:
        text = f"{_FLAT_REASONS[rule_id]}，加价 {_yuan(d['rate'])} 元/kWh"
    else:
        text = _EXPLAIN[rule_id](d, result)
    return text + _others(result, i)


def _others(result: SurchargeResult, i: int) -> str:
    others = result.applies[i].copy()
    others[result.rule[i]] = False
    known = int((others & ~np.isnan(result.candidates[i])).sum())
    unknown = int((others & np.isnan(result.candidates[i])).sum())
    notes = []
    if known:
        notes.append(f"另有 {known} 项加价规则适用，按最高标准执行")
    if unknown:
        notes.append(f"另有 {unknown} 项规则缺少数据未能计算，其最高加价不超过本项")
    return f"（{'；'.join(notes)}）" if notes else ""
