"""The eliminated category (淘汰类) of the Industrial Structure Adjustment Guidance Catalogue:
the 2019 edition, then from 1 February 2024 the 2024 edition. The thresholds are parameters
under params/catalogue/, dated by edition; each exemption is an explicit condition on the
use the line is registered for."""

import numpy as np

from phaseout.standards.rulebook import NOT_APPLICABLE, PASS, Context, Facts, Outcome, flag, rule
from phaseout.standards.vocabulary import Domain, Path

CATALOGUE = "《产业结构调整指导目录》淘汰类"


def _with_exemption(outcome: Outcome, equipment: np.ndarray, exempt: np.ndarray | None) -> Outcome:
    """Lines of the equipment type that an exemption covers pass, marked as exempt."""
    if exempt is not None:
        exempt = equipment & exempt
        outcome.verdict[exempt] = PASS
        outcome.exempt = exempt
    return outcome


def _at_or_below(facts: Facts, ctx: Context, equipment: str, param: str,
                 exempt: np.ndarray | None = None) -> Outcome:
    of_type = facts.is_("equipment", equipment)
    applies = of_type & ~exempt if exempt is not None else of_type
    limit = ctx.param(param)
    if limit is None:  # the edition in force has no such item
        nowhere = np.zeros(facts.n, dtype=bool)
        return flag(nowhere, nowhere)
    size = facts["size"]
    outcome = flag(applies, size <= float(limit), known=~np.isnan(size))
    outcome.measured = np.where(of_type, size, np.nan)
    outcome.limit = np.where(of_type, float(limit), np.nan)
    return _with_exemption(outcome, of_type, exempt)


@rule(id="eliminated.steel.blast_furnace", label="炼铁高炉有效容积不高于淘汰类上限",
      domain=Domain.ELIMINATED, industries=("steel",), path=Path.ELIMINATED,
      basis=f"{CATALOGUE} 钢铁：400立方米及以下炼铁高炉（铸造生铁企业除外）",
      params=("catalogue.blast_furnace_max_size",), measure="size", unit="m3",
      reason_fail="高炉有效容积 {measured:g} m³，不高于淘汰类上限 {limit:g} m³",
      reason_pass="高炉有效容积 {measured:g} m³，高于淘汰类上限 {limit:g} m³",
      reason_exempt="登记为铸造生铁生产，不适用400立方米淘汰条款")
def blast_furnace(facts: Facts, ctx: Context) -> Outcome:
    # Foundry-iron producers are exempt; ferroalloy and cast-pipe furnaces have their own,
    # lower threshold (the next rule), so this one does not apply to them.
    outcome = _at_or_below(facts, ctx, "blast-furnace", "catalogue.blast_furnace_max_size",
                           facts.is_("registered_use", "foundry_iron"))
    other = facts.is_("registered_use", "ferroalloy", "cast_pipe")
    outcome.verdict[other] = NOT_APPLICABLE
    return outcome


@rule(id="eliminated.steel.blast_furnace_ferroalloy",
      label="铁合金、铸管用高炉有效容积不高于淘汰类上限",
      domain=Domain.ELIMINATED, industries=("steel",), path=Path.ELIMINATED,
      basis=f"{CATALOGUE} 钢铁：200立方米及以下铁合金、铸管用高炉",
      params=("catalogue.blast_furnace_ferroalloy_max_size",), measure="size", unit="m3",
      reason_fail="铁合金/铸管用高炉有效容积 {measured:g} m³，不高于淘汰类上限 {limit:g} m³",
      reason_pass="铁合金/铸管用高炉有效容积 {measured:g} m³，高于淘汰类上限 {limit:g} m³")
def blast_furnace_ferroalloy(facts: Facts, ctx: Context) -> Outcome:
    outcome = _at_or_below(facts, ctx, "blast-furnace",
                           "catalogue.blast_furnace_ferroalloy_max_size")
    outcome.verdict[~facts.is_("registered_use", "ferroalloy", "cast_pipe")] = NOT_APPLICABLE
    return outcome


@rule(id="eliminated.steel.converter", label="炼钢转炉公称容量不高于淘汰类上限",
      domain=Domain.ELIMINATED, industries=("steel",), path=Path.ELIMINATED,
      basis=f"{CATALOGUE} 钢铁：30吨及以下转炉（铁合金转炉除外）",
      params=("catalogue.converter_max_size",), measure="size", unit="t",
      reason_fail="转炉公称容量 {measured:g} t，不高于淘汰类上限 {limit:g} t",
      reason_pass="转炉公称容量 {measured:g} t，高于淘汰类上限 {limit:g} t",
      reason_exempt="铁合金转炉，不适用本淘汰条款")
def converter(facts: Facts, ctx: Context) -> Outcome:
    return _at_or_below(facts, ctx, "converter", "catalogue.converter_max_size",
                        facts.is_("registered_use", "ferroalloy"))


@rule(id="eliminated.steel.electric_furnace", label="炼钢电炉公称容量不高于淘汰类上限",
      domain=Domain.ELIMINATED, industries=("steel",), path=Path.ELIMINATED,
      basis=f"{CATALOGUE} 钢铁：30吨及以下电炉（机械铸造电炉除外）",
      params=("catalogue.electric_furnace_max_size",), measure="size", unit="t",
      reason_fail="电炉公称容量 {measured:g} t，不高于淘汰类上限 {limit:g} t",
      reason_pass="电炉公称容量 {measured:g} t，高于淘汰类上限 {limit:g} t",
      reason_exempt="机械铸造用电炉，不适用本淘汰条款")
def electric_furnace(facts: Facts, ctx: Context) -> Outcome:
    return _at_or_below(facts, ctx, "electric-arc-furnace", "catalogue.electric_furnace_max_size",
                        facts.is_("registered_use", "machinery_casting"))


def _listed(facts: Facts, ctx: Context, equipment: tuple[str, ...], param: str,
            exempt: np.ndarray | None = None) -> Outcome:
    of_type = facts.is_("equipment", *equipment)
    applies = of_type & ~exempt if exempt is not None else of_type
    listed = ctx.param(param)
    if listed is None:  # no edition in force lists the item: as in _at_or_below
        nowhere = np.zeros(facts.n, dtype=bool)
        return flag(nowhere, nowhere)
    return _with_exemption(flag(applies, np.full(facts.n, bool(listed))), of_type, exempt)


@rule(id="eliminated.steel.induction_furnace",
      label="工频和中频感应炉（地条钢、普碳钢、不锈钢冶炼）",
      domain=Domain.ELIMINATED, industries=("steel",), path=Path.ELIMINATED,
      basis=f"{CATALOGUE} 钢铁：用于地条钢、普碳钢、不锈钢冶炼的工频和中频感应炉",
      params=("catalogue.induction_furnace_eliminated",),
      reason_fail="感应炉登记用途不是机械铸造，属淘汰类",
      reason_exempt="感应炉登记为机械铸造用途，不属淘汰类")
def induction_furnace(facts: Facts, ctx: Context) -> Outcome:
    # T5: only furnaces registered for machinery casting stay; stainless, tool or "special"
    # steel made in induction furnaces is stopped as well.
    return _listed(facts, ctx, ("induction-furnace",), "catalogue.induction_furnace_eliminated",
                   facts.is_("registered_use", "machinery_casting"))


@rule(id="eliminated.cement.kiln", label="淘汰类水泥窑型（机立窑、干法中空窑、立波尔窑、湿法窑）",
      domain=Domain.ELIMINATED, industries=("cement",), path=Path.ELIMINATED,
      basis=f"{CATALOGUE} 建材：机立窑、干法中空窑（特种水泥除外）、立波尔窑、湿法窑",
      params=("catalogue.cement_kilns_eliminated",),
      reason_fail="窑型属淘汰类", reason_exempt="干法中空窑登记为特种水泥生产，不属淘汰类")
def cement_kiln(facts: Facts, ctx: Context) -> Outcome:
    hollow_special = facts.is_("equipment", "dry-hollow-kiln") & facts.is_("registered_use",
                                                                          "special_cement")
    return _listed(facts, ctx, ("shaft-kiln", "dry-hollow-kiln", "lepol-kiln", "wet-process-kiln"),
                   "catalogue.cement_kilns_eliminated", hollow_special)


@rule(id="eliminated.aluminium.soderberg", label="自焙阳极电解槽",
      domain=Domain.ELIMINATED, industries=("aluminium",), path=Path.ELIMINATED,
      basis=f"{CATALOGUE} 有色金属：自焙槽", params=("catalogue.soderberg_cells_eliminated",),
      reason_fail="自焙阳极电解槽属淘汰类", reason_pass="")
def soderberg(facts: Facts, ctx: Context) -> Outcome:
    return _listed(facts, ctx, ("soderberg-cell-series",), "catalogue.soderberg_cells_eliminated")


@rule(id="eliminated.aluminium.small_prebaked", label="预焙阳极电解槽电流强度不高于淘汰类上限",
      domain=Domain.ELIMINATED, industries=("aluminium",), path=Path.ELIMINATED,
      basis=f"{CATALOGUE} 有色金属：100kA及以下预焙槽", measure="size", unit="kA",
      params=("catalogue.prebaked_cell_max_current",),
      reason_fail="电解槽电流强度 {measured:g} kA，不高于淘汰类上限 {limit:g} kA",
      reason_pass="电解槽电流强度 {measured:g} kA，高于淘汰类上限 {limit:g} kA")
def small_prebaked(facts: Facts, ctx: Context) -> Outcome:
    return _at_or_below(facts, ctx, "prebaked-cell-series", "catalogue.prebaked_cell_max_current")


@rule(id="eliminated.glass.flat_draw", label="平拉工艺平板玻璃生产线（含格法）",
      domain=Domain.ELIMINATED, industries=("flat-glass",), path=Path.ELIMINATED,
      basis=f"{CATALOGUE} 建材：平拉工艺平板玻璃生产线（含格法）",
      params=("catalogue.flat_draw_eliminated",), reason_fail="平拉（含格法）工艺属淘汰类",
      reason_pass="")
def flat_draw(facts: Facts, ctx: Context) -> Outcome:
    return _listed(facts, ctx, ("flat-draw-line",), "catalogue.flat_draw_eliminated")


@rule(id="eliminated.coal_power.small_unit", label="燃煤机组单机容量不高于淘汰类上限",
      domain=Domain.ELIMINATED, industries=("coal-power",), path=Path.COAL_POWER,
      basis=f"{CATALOGUE} 电力：单机5万千瓦及以下常规燃煤火电机组", measure="size", unit="MW",
      params=("catalogue.coal_unit_max_size",),
      reason_fail="机组容量 {measured:g} MW，不高于淘汰类上限 {limit:g} MW",
      reason_pass="机组容量 {measured:g} MW，高于淘汰类上限 {limit:g} MW")
def coal_small_unit(facts: Facts, ctx: Context) -> Outcome:
    return _at_or_below(facts, ctx, "coal-fired-unit", "catalogue.coal_unit_max_size")
