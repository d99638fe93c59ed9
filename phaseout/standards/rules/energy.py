"""Mandatory energy-consumption limit standards (单位产品能源消耗限额): steel processes
(GB 21256), cement (GB 16780), electrolytic aluminium (GB 21346), flat glass (GB 21340) and
coal power (GB 21258). Each rule compares the line's indicator for the year with the limit of
the edition in force on the assessment date; the limits and the editions' dates are parameters
under params/energy/<standard>/.

A parameter whose value is null says "no limit in that edition" (the 2013 steel edition has
no electric-furnace limit; the 2021 cement edition has no cement electricity limit): the rule
is then not applicable to any line. Pelletizing (GB 21256) has a parameter but no rule: the
equipment catalogue has no pelletizing equipment type, so no line could be judged.

Banded limits (a limit that depends on the line's size) are lists of
{below|upto: size, limit: value}; the first band that matches wins, and a line without a
recorded size gets no limit and so NO_DATA, never a pass.
"""

import numpy as np

from phaseout.standards.params import ParameterError
from phaseout.standards.rulebook import Context, Facts, Outcome, compare, flag, rule
from phaseout.standards.vocabulary import Domain, Path

KILNS = ("clinker-line", "shaft-kiln", "dry-hollow-kiln", "lepol-kiln", "wet-process-kiln")
# Days per year used to turn a line's design melting capacity (t/d) into a yearly capacity.
DAYS_PER_YEAR = 365.0


def _not_applicable(facts: Facts) -> Outcome:
    nowhere = np.zeros(facts.n, dtype=bool)
    return flag(nowhere, nowhere)


def band_limits(size: np.ndarray, bands: list[dict], name: str) -> np.ndarray:
    """The limit of each line from its size: the first band whose bound the size meets.
    A NaN size meets no band and gets a NaN limit (→ NO_DATA)."""
    if not isinstance(bands, list) or not bands:
        raise ParameterError(f"{name}: a banded value must be a list of "
                             f"{{below|upto: number|null, limit: number}}.")
    conditions, limits = [], []
    for band in bands:
        if not isinstance(band, dict) or "limit" not in band:
            raise ParameterError(f"{name}: band {band!r} needs `limit:` and `below:` or `upto:`.")
        if band.get("below") is not None:
            conditions.append(size < float(band["below"]))
        elif band.get("upto") is not None:
            conditions.append(size <= float(band["upto"]))
        else:  # the open top band
            conditions.append(~np.isnan(size))
        limits.append(float(band["limit"]))
    return np.select(conditions, limits, default=np.nan)


def _limit_rule(facts: Facts, ctx: Context, *, equipment: tuple[str, ...], kind: str,
                unit: str, param: str, banded: bool = False) -> Outcome:
    """The common shape: lines of `equipment`, indicator `kind` recorded in `unit`, against the
    limit in force (a number, or bands by the line's size)."""
    value = ctx.param(param)
    if value is None:  # the edition in force sets no such limit
        return _not_applicable(facts)
    limit = band_limits(facts["size"], value, param) if banded else float(value)
    return compare(facts.is_("equipment", *equipment), facts[f"ind:{kind}"], limit,
                   unit_ok=facts.is_(f"unit:{kind}", unit))


STEEL = "GB 21256《粗钢生产主要工序单位产品能源消耗限额》4.1 限定值（2025年版：3级）"


@rule(id="energy.steel.sintering", label="烧结工序单位产品能耗不高于限定值",
      domain=Domain.ENERGY, industries=("steel",), path=Path.ENERGY,
      basis=f"{STEEL}：烧结工序", params=("energy.gb21256.sintering",),
      measure="ind:process-energy", unit="kgce/t",
      reason_fail="烧结工序能耗 {measured:g} kgce/t，高于限定值 {limit:g} kgce/t",
      reason_pass="烧结工序能耗 {measured:g} kgce/t，不高于限定值 {limit:g} kgce/t")
def steel_sintering(facts: Facts, ctx: Context) -> Outcome:
    return _limit_rule(facts, ctx, equipment=("sintering-machine",), kind="process-energy",
                       unit="kgce/t", param="energy.gb21256.sintering")


@rule(id="energy.steel.blast_furnace", label="高炉工序单位产品能耗不高于限定值",
      domain=Domain.ENERGY, industries=("steel",), path=Path.ENERGY,
      basis=f"{STEEL}：高炉工序", params=("energy.gb21256.blast_furnace",),
      measure="ind:process-energy", unit="kgce/t",
      reason_fail="高炉工序能耗 {measured:g} kgce/t，高于限定值 {limit:g} kgce/t",
      reason_pass="高炉工序能耗 {measured:g} kgce/t，不高于限定值 {limit:g} kgce/t")
def steel_blast_furnace(facts: Facts, ctx: Context) -> Outcome:
    return _limit_rule(facts, ctx, equipment=("blast-furnace",), kind="process-energy",
                       unit="kgce/t", param="energy.gb21256.blast_furnace")


@rule(id="energy.steel.converter", label="转炉工序单位产品能耗不高于限定值",
      domain=Domain.ENERGY, industries=("steel",), path=Path.ENERGY,
      basis=f"{STEEL}：转炉工序", params=("energy.gb21256.converter",),
      measure="ind:process-energy", unit="kgce/t",
      reason_fail="转炉工序能耗 {measured:g} kgce/t，高于限定值 {limit:g} kgce/t",
      reason_pass="转炉工序能耗 {measured:g} kgce/t，不高于限定值 {limit:g} kgce/t")
def steel_converter(facts: Facts, ctx: Context) -> Outcome:
    # The limit is negative (energy recovered exceeds energy used); "not above" still holds.
    return _limit_rule(facts, ctx, equipment=("converter",), kind="process-energy",
                       unit="kgce/t", param="energy.gb21256.converter")


@rule(id="energy.steel.electric_arc_furnace", label="电炉工序单位产品能耗不高于限定值",
      domain=Domain.ENERGY, industries=("steel",), path=Path.ENERGY,
      basis=f"{STEEL}：电炉工序（2013年版取消，2025年版恢复，按公称容量分档）",
      params=("energy.gb21256.electric_arc_furnace",),
      measure="ind:process-energy", unit="kgce/t",
      reason_fail="电炉工序能耗 {measured:g} kgce/t，高于所在容量档限定值 {limit:g} kgce/t",
      reason_pass="电炉工序能耗 {measured:g} kgce/t，不高于所在容量档限定值 {limit:g} kgce/t")
def steel_electric_arc_furnace(facts: Facts, ctx: Context) -> Outcome:
    return _limit_rule(facts, ctx, equipment=("electric-arc-furnace",), kind="process-energy",
                       unit="kgce/t", param="energy.gb21256.electric_arc_furnace", banded=True)


CEMENT = "GB 16780《水泥单位产品能源消耗限额》表1 限定值（2021年版：3级）"


@rule(id="energy.cement.clinker_power", label="熟料综合电耗不高于限定值",
      domain=Domain.ENERGY, industries=("cement",), path=Path.ENERGY,
      basis=f"{CEMENT}：熟料单位产品综合电耗", params=("energy.gb16780.clinker_power",),
      measure="ind:clinker-power", unit="kWh/t",
      reason_fail="熟料综合电耗 {measured:g} kWh/t，高于限定值 {limit:g} kWh/t",
      reason_pass="熟料综合电耗 {measured:g} kWh/t，不高于限定值 {limit:g} kWh/t")
def cement_clinker_power(facts: Facts, ctx: Context) -> Outcome:
    return _limit_rule(facts, ctx, equipment=KILNS, kind="clinker-power", unit="kWh/t",
                       param="energy.gb16780.clinker_power")


@rule(id="energy.cement.clinker_energy", label="熟料综合能耗不高于限定值",
      domain=Domain.ENERGY, industries=("cement",), path=Path.ENERGY,
      basis=f"{CEMENT}：熟料单位产品综合能耗", params=("energy.gb16780.clinker_energy",),
      measure="ind:clinker-energy", unit="kgce/t",
      reason_fail="熟料综合能耗 {measured:g} kgce/t，高于限定值 {limit:g} kgce/t",
      reason_pass="熟料综合能耗 {measured:g} kgce/t，不高于限定值 {limit:g} kgce/t")
def cement_clinker_energy(facts: Facts, ctx: Context) -> Outcome:
    return _limit_rule(facts, ctx, equipment=KILNS, kind="clinker-energy", unit="kgce/t",
                       param="energy.gb16780.clinker_energy")


@rule(id="energy.cement.cement_power", label="可比水泥综合电耗不高于限定值（2012年版）",
      domain=Domain.ENERGY, industries=("cement",), path=Path.ENERGY,
      basis="GB 16780-2012《水泥单位产品能源消耗限额》表1 可比水泥综合电耗限定值"
            "（2021年版不再设此指标）",
      params=("energy.gb16780.cement_power",), measure="ind:cement-power", unit="kWh/t",
      reason_fail="可比水泥综合电耗 {measured:g} kWh/t，高于限定值 {limit:g} kWh/t",
      reason_pass="可比水泥综合电耗 {measured:g} kWh/t，不高于限定值 {limit:g} kWh/t")
def cement_grinding_power(facts: Facts, ctx: Context) -> Outcome:
    # The 2021 edition limits cement comprehensive energy (kgce/t) instead, an indicator the
    # registry does not record yet; the parameter is null from then on.
    return _limit_rule(facts, ctx, equipment=("cement-mill",), kind="cement-power",
                       unit="kWh/t", param="energy.gb16780.cement_power")


@rule(id="energy.aluminium.ac_power", label="铝液综合交流电耗不高于限定值",
      domain=Domain.ENERGY, industries=("aluminium",), path=Path.ENERGY,
      basis="GB 21346《电解铝和氧化铝单位产品能源消耗限额》4.1 铝液综合交流电耗限定值"
            "（2022年版：3级）",
      params=("energy.gb21346.al_ac_power",), measure="ind:al-ac-power", unit="kWh/t",
      reason_fail="铝液综合交流电耗 {measured:g} kWh/t，高于限定值 {limit:g} kWh/t",
      reason_pass="铝液综合交流电耗 {measured:g} kWh/t，不高于限定值 {limit:g} kWh/t")
def aluminium_ac_power(facts: Facts, ctx: Context) -> Outcome:
    return _limit_rule(facts, ctx, equipment=("prebaked-cell-series", "soderberg-cell-series"),
                       kind="al-ac-power", unit="kWh/t", param="energy.gb21346.al_ac_power")


GLASS_PARAMS = ("energy.gb21340.glass_energy", "energy.gb21340.capacity_use_threshold",
                "energy.gb21340.capacity_use_factor", "energy.gb21340.thickness_factor",
                "energy.gb21340.iron_factor", "energy.gb21340.line_change_factor")


def capacity_use_percent(facts: Facts) -> np.ndarray:
    """Yearly output (t) over design melting capacity (t/d × 365), in percent; NaN where
    either is missing or output was recorded in another unit. Output counts finished glass,
    not glass melted, so this never overstates the use the standard means."""
    output = np.where(facts.is_("unit:output", "t"), facts["ind:output"], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        return output / (facts["size"] * DAYS_PER_YEAR) * 100.0


@rule(id="energy.glass.energy", label="平板玻璃单位产品综合能耗不高于限定值",
      domain=Domain.ENERGY, industries=("flat-glass",), path=Path.ENERGY,
      basis="GB 21340 平板玻璃单位产品能源消耗限额 表1 3级，按熔化量分档，"
            "乘以修正系数 Vc=a×b×c×d",
      params=GLASS_PARAMS, measure="ind:glass-energy", unit="kgce/wb",
      reason_fail="单位产品综合能耗 {measured:g} kgce/重量箱，"
                  "高于修正后限定值 {limit:g} kgce/重量箱",
      reason_pass="单位产品综合能耗 {measured:g} kgce/重量箱，"
                  "不高于修正后限定值 {limit:g} kgce/重量箱")
def glass_energy(facts: Facts, ctx: Context) -> Outcome:
    bands = ctx.param("energy.gb21340.glass_energy")
    if bands is None:  # the 2013 limits are not known; no judgement on a guessed number
        return _not_applicable(facts)
    # Of Vc = a×b×c×d the platform knows only capacity use (a); thickness (b), iron content
    # (c) and line changes (d) are not registered, so their parameters are 1.
    threshold = float(ctx.param("energy.gb21340.capacity_use_threshold"))
    high_use = capacity_use_percent(facts) > threshold
    a = np.where(high_use, float(ctx.param("energy.gb21340.capacity_use_factor")), 1.0)
    bcd = (float(ctx.param("energy.gb21340.thickness_factor"))
           * float(ctx.param("energy.gb21340.iron_factor"))
           * float(ctx.param("energy.gb21340.line_change_factor")))
    # Rounded so that 12.0 × 1.1 is 13.2, not 13.200000000000001: a value exactly at the
    # corrected limit must pass whatever the binary rounding of the factors.
    limit = np.round(band_limits(facts["size"], bands, "energy.gb21340.glass_energy") * a * bcd, 6)
    return compare(facts.is_("equipment", "float-line", "flat-draw-line"),
                   facts["ind:glass-energy"], limit,
                   unit_ok=facts.is_("unit:glass-energy", "kgce/wb"))


@rule(id="energy.coal_power.coal_consumption", label="燃煤机组供电煤耗不高于限定值",
      domain=Domain.ENERGY, industries=("coal-power",), path=Path.ENERGY,
      basis="GB 21258-2024《常规燃煤发电机组单位产品能源消耗限额》表1 3级；登记数据无蒸汽参数，"
            "按单机容量档取最宽松机组类型的限定值",
      params=("energy.gb21258.coal_consumption",), measure="ind:coal-consumption",
      unit="gce/kWh",
      reason_fail="供电煤耗 {measured:g} gce/kWh，高于所在容量档限定值 {limit:g} gce/kWh",
      reason_pass="供电煤耗 {measured:g} gce/kWh，不高于所在容量档限定值 {limit:g} gce/kWh")
def coal_power_consumption(facts: Facts, ctx: Context) -> Outcome:
    return _limit_rule(facts, ctx, equipment=("coal-fired-unit",), kind="coal-consumption",
                       unit="gce/kWh", param="energy.gb21258.coal_consumption", banded=True)
