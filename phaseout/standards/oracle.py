"""The plain per-line oracle (STYLE decision 2), for the property tests and the benchmark
baseline; never used by the assessment. Each rule is written again as ordinary if/else over
one line's record (the dicts of standards/examples/*.yaml and facts_from_records), reading
the parameters through ParameterSet.at. It shares no code with the vectorised rules on
purpose, so the property tests that hold the two equal catch a mistake in either, and
`phaseout bench assess` times the vectorised engine against it.

REFERENCE maps a rule id to `function(record, on, params) -> verdict name`. A new rule adds
its function here with @reference("rule id")."""

import datetime as dt
from collections.abc import Callable

from phaseout.standards.params import ParameterSet

PASS, FAIL, NO_DATA, NOT_APPLICABLE, BAD_UNIT = (
    "pass", "fail", "no_data", "not_applicable", "bad_unit")

Verdict = Callable[[dict, dt.date, ParameterSet], str]
REFERENCE: dict[str, Verdict] = {}


def reference(rule_id: str) -> Callable[[Verdict], Verdict]:
    def register(func: Verdict) -> Verdict:
        REFERENCE[rule_id] = func
        return func

    return register


def evaluate_line(record: dict, on: dt.date, params: ParameterSet) -> dict[str, str]:
    """Every reference rule's verdict for one line."""
    return {rule_id: func(record, on, params) for rule_id, func in REFERENCE.items()}


# --- reading a record ----------------------------------------------------------------------

def _size(record: dict) -> float | None:
    return None if record.get("size") is None else float(record["size"])


def _use(record: dict) -> str:
    return record.get("registered_use", "general")


def _equipment(record: dict) -> str:
    return record.get("equipment", "")


def _holds(record: dict, kind: str) -> bool:
    return kind in (record.get("licences") or [])


def _open(record: dict, domain: str, *, serious: bool = False) -> float:
    counts = record.get("serious_violations" if serious else "violations") or {}
    return float(counts.get(domain, 0))


def _indicator(record: dict, kind: str) -> tuple[float | None, str]:
    """(value, unit) of an indicator; (None, unit) when no value was recorded."""
    raw = (record.get("indicators") or {}).get(kind)
    if raw is None:
        return None, "?"
    if isinstance(raw, list | tuple):
        raw = {"value": raw[0], "unit": raw[1]}
    value = None if raw.get("value") is None else float(raw["value"])
    return value, raw.get("unit", "?")


# --- eliminated category ------------------------------------------------------------------

def _size_at_or_below(record: dict, limit) -> str:
    size = _size(record)
    if size is None:
        return NO_DATA
    return FAIL if size <= float(limit) else PASS


@reference("eliminated.steel.blast_furnace")
def blast_furnace(record, on, params):
    limit = params.at("catalogue.blast_furnace_max_size", on)
    if _equipment(record) != "blast-furnace" or limit is None:
        return NOT_APPLICABLE
    if _use(record) in ("ferroalloy", "cast_pipe"):
        return NOT_APPLICABLE  # judged against the 200 m³ item instead
    if _use(record) == "foundry_iron":
        return PASS  # exempt
    return _size_at_or_below(record, limit)


@reference("eliminated.steel.blast_furnace_ferroalloy")
def blast_furnace_ferroalloy(record, on, params):
    limit = params.at("catalogue.blast_furnace_ferroalloy_max_size", on)
    if _equipment(record) != "blast-furnace" or limit is None:
        return NOT_APPLICABLE
    if _use(record) not in ("ferroalloy", "cast_pipe"):
        return NOT_APPLICABLE
    return _size_at_or_below(record, limit)


@reference("eliminated.steel.converter")
def converter(record, on, params):
    limit = params.at("catalogue.converter_max_size", on)
    if _equipment(record) != "converter" or limit is None:
        return NOT_APPLICABLE
    if _use(record) == "ferroalloy":
        return PASS
    return _size_at_or_below(record, limit)


@reference("eliminated.steel.electric_furnace")
def electric_furnace(record, on, params):
    limit = params.at("catalogue.electric_furnace_max_size", on)
    if _equipment(record) != "electric-arc-furnace" or limit is None:
        return NOT_APPLICABLE
    if _use(record) == "machinery_casting":
        return PASS
    return _size_at_or_below(record, limit)


@reference("eliminated.steel.induction_furnace")
def induction_furnace(record, on, params):
    listed = params.at("catalogue.induction_furnace_eliminated", on)
    if _equipment(record) != "induction-furnace" or listed is None:
        return NOT_APPLICABLE
    if _use(record) == "machinery_casting":
        return PASS
    return FAIL if listed else PASS


@reference("eliminated.cement.kiln")
def cement_kiln(record, on, params):
    listed = params.at("catalogue.cement_kilns_eliminated", on)
    kilns = ("shaft-kiln", "dry-hollow-kiln", "lepol-kiln", "wet-process-kiln")
    if _equipment(record) not in kilns or listed is None:
        return NOT_APPLICABLE
    if _equipment(record) == "dry-hollow-kiln" and _use(record) == "special_cement":
        return PASS
    return FAIL if listed else PASS


@reference("eliminated.aluminium.soderberg")
def soderberg(record, on, params):
    listed = params.at("catalogue.soderberg_cells_eliminated", on)
    if _equipment(record) != "soderberg-cell-series" or listed is None:
        return NOT_APPLICABLE
    return FAIL if listed else PASS


@reference("eliminated.aluminium.small_prebaked")
def small_prebaked(record, on, params):
    limit = params.at("catalogue.prebaked_cell_max_current", on)
    if _equipment(record) != "prebaked-cell-series" or limit is None:
        return NOT_APPLICABLE
    return _size_at_or_below(record, limit)


@reference("eliminated.glass.flat_draw")
def flat_draw(record, on, params):
    listed = params.at("catalogue.flat_draw_eliminated", on)
    if _equipment(record) != "flat-draw-line" or listed is None:
        return NOT_APPLICABLE
    return FAIL if listed else PASS


@reference("eliminated.coal_power.small_unit")
def coal_small_unit(record, on, params):
    limit = params.at("catalogue.coal_unit_max_size", on)
    if _equipment(record) != "coal-fired-unit" or limit is None:
        return NOT_APPLICABLE
    return _size_at_or_below(record, limit)


# --- quality, safety, environment ---------------------------------------------------------

def _named(mapping) -> list[str]:
    """The keys a parameter mapping sets to true."""
    return [key for key, yes in (mapping or {}).items() if yes]


@reference("quality.production_licence")
def production_licence(record, on, params):
    equipment = _named(params.at("compliance.production_licence_equipment", on))
    if _equipment(record) not in equipment:
        return NOT_APPLICABLE
    if _use(record) in ("machinery_casting", "foundry_iron", "ferroalloy", "cast_pipe"):
        return NOT_APPLICABLE
    return PASS if _holds(record, "production") else FAIL


@reference("quality.serious_violation")
def serious_quality_violation(record, on, params):
    return FAIL if _open(record, "quality", serious=True) > 0 else PASS


@reference("safety.open_violation")
def open_safety_violation(record, on, params):
    return FAIL if _open(record, "safety") > 0 else PASS


@reference("safety.certificate")
def safety_certificate(record, on, params):
    industries = _named(params.at("compliance.safety_certificate_industries", on))
    if record.get("industry") not in industries:
        return NOT_APPLICABLE
    return PASS if _holds(record, "safety") else FAIL


@reference("environment.open_violation")
def open_environment_violation(record, on, params):
    return FAIL if _open(record, "environment") > 0 else PASS


@reference("environment.discharge_permit")
def discharge_permit(record, on, params):
    industries = _named(params.at("compliance.discharge_permit_industries", on))
    if record.get("industry") not in industries:
        return NOT_APPLICABLE
    return PASS if _holds(record, "discharge") else FAIL


# --- energy limits ------------------------------------------------------------------------

def _band_limit(size: float | None, bands: list[dict]) -> float | None:
    """The limit of the first band the size falls in; none without a size."""
    if size is None:
        return None
    for band in bands:
        if band.get("below") is not None:
            if size < float(band["below"]):
                return float(band["limit"])
        elif band.get("upto") is not None:
            if size <= float(band["upto"]):
                return float(band["limit"])
        else:
            return float(band["limit"])
    return None


def _against_limit(record: dict, kind: str, unit: str, limit: float | None) -> str:
    value, recorded_unit = _indicator(record, kind)
    if value is not None and recorded_unit != unit:
        return BAD_UNIT  # never converted, never passed
    if value is None or limit is None:
        return NO_DATA
    return FAIL if value > limit else PASS


def _energy(record, on, params, *, equipment, kind, unit, param, banded=False):
    value = params.at(param, on)
    if value is None or _equipment(record) not in equipment:
        return NOT_APPLICABLE
    limit = _band_limit(_size(record), value) if banded else float(value)
    return _against_limit(record, kind, unit, limit)


KILNS = ("clinker-line", "shaft-kiln", "dry-hollow-kiln", "lepol-kiln", "wet-process-kiln")

for _rule_id, _spec in {
    "energy.steel.sintering": dict(equipment=("sintering-machine",), kind="process-energy",
                                   unit="kgce/t", param="energy.gb21256.sintering"),
    "energy.steel.blast_furnace": dict(equipment=("blast-furnace",), kind="process-energy",
                                       unit="kgce/t", param="energy.gb21256.blast_furnace"),
    "energy.steel.converter": dict(equipment=("converter",), kind="process-energy",
                                   unit="kgce/t", param="energy.gb21256.converter"),
    "energy.steel.electric_arc_furnace": dict(
        equipment=("electric-arc-furnace",), kind="process-energy", unit="kgce/t",
        param="energy.gb21256.electric_arc_furnace", banded=True),
    "energy.cement.clinker_power": dict(equipment=KILNS, kind="clinker-power", unit="kWh/t",
                                        param="energy.gb16780.clinker_power"),
    "energy.cement.clinker_energy": dict(equipment=KILNS, kind="clinker-energy",
                                         unit="kgce/t", param="energy.gb16780.clinker_energy"),
    "energy.cement.cement_power": dict(equipment=("cement-mill",), kind="cement-power",
                                       unit="kWh/t", param="energy.gb16780.cement_power"),
    "energy.aluminium.ac_power": dict(
        equipment=("prebaked-cell-series", "soderberg-cell-series"), kind="al-ac-power",
        unit="kWh/t", param="energy.gb21346.al_ac_power"),
    "energy.coal_power.coal_consumption": dict(
        equipment=("coal-fired-unit",), kind="coal-consumption", unit="gce/kWh",
        param="energy.gb21258.coal_consumption", banded=True),
}.items():
    # Bind the spec now: a closure over the loop variable would see only the last one.
    reference(_rule_id)(lambda record, on, params, _spec=_spec:
                        _energy(record, on, params, **_spec))


@reference("energy.glass.energy")
def glass_energy(record, on, params):
    bands = params.at("energy.gb21340.glass_energy", on)
    if bands is None or _equipment(record) not in ("float-line", "flat-draw-line"):
        return NOT_APPLICABLE
    base = _band_limit(_size(record), bands)
    if base is None:
        return _against_limit(record, "glass-energy", "kgce/wb", None)
    # Correction factor a applies when the year's output exceeds the threshold share of the
    # design melting capacity (t/d × 365); output in another unit than t is not counted.
    a = 1.0
    output, output_unit = _indicator(record, "output")
    size = _size(record)
    if output is not None and output_unit == "t" and size:
        use_percent = output / (size * 365.0) * 100.0
        if use_percent > float(params.at("energy.gb21340.capacity_use_threshold", on)):
            a = float(params.at("energy.gb21340.capacity_use_factor", on))
    b = float(params.at("energy.gb21340.thickness_factor", on))
    c = float(params.at("energy.gb21340.iron_factor", on))
    d = float(params.at("energy.gb21340.line_change_factor", on))
    return _against_limit(record, "glass-energy", "kgce/wb", round(base * a * (b * c * d), 6))
