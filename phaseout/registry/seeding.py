"""A deterministic synthetic registry for demos, tests and benchmarks (`phaseout seed`).

The same number of enterprises and the same seed always give the same rows. Columns are
drawn with numpy for a whole chunk of enterprises at once and written with the database's
bulk path (SQLite `executemany`, PostgreSQL `COPY`) on Django's own connection, so the
seed joins the caller's transaction and a million lines load in a few minutes. The ORM
path (`bulk_create`) writes the same rows and is kept as the benchmark's baseline.

The data are synthetic but plausible: sizes come from the usual nameplate ratings of each
equipment type, capacity follows size, and about 3 % of lines are equipment the
eliminated catalogue names (FACTS.md section 6), so the standards engine has work to do.
"""

import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from phaseout.audit.services import audit_record
from phaseout.lib.bulk import Batch, BulkError, bulk_insert
from phaseout.lib.ids import make_uscc
from phaseout.reference.models import Division, EquipmentType, IndicatorKind, Industry
from phaseout.registry.models import Enterprise, Indicator, Licence, ProductionLine

# Enterprises per chunk: bounds memory (about 70,000 lines and 200,000 indicators).
CHUNK = 20_000
SERIAL_SPACE = 10**8


class SeedError(Exception):
    """The seed cannot run (missing reference data, or this seed was already loaded)."""


@dataclass(frozen=True)
class Energy:
    """The industry's energy indicator for a variant: normal(mean, sd) clipped to [lo, hi]."""

    kind: str
    mean: float
    sd: float
    lo: float
    hi: float


@dataclass(frozen=True)
class Variant:
    """One kind of line: an equipment type with its usual sizes and how capacity follows."""

    equipment: str
    share: float
    sizes: tuple[float, ...]
    per_size: float  # annual capacity per unit of size, in the industry's capacity unit
    energy: Energy | None
    power: float = 0.0  # kWh per tonne of output when the energy indicator is not kWh/t
    uses: tuple[tuple[str, float], ...] = ()
    kva_per_t: float = 0.0  # transformer rating per tonne (induction furnaces, T5)
    eliminated: bool = False


_v = Variant  # short name for the table below

# Sizes are common nameplate ratings; capacity factors: a blast furnace makes about
# 0.09 10kt/a of iron per m³, a clinker line runs about 310 days, 1 t/d of float glass is
# about 0.7 10k weight boxes a year, a coal unit's capacity is its MW rating.
VARIANTS: dict[str, tuple[Variant, ...]] = {
    "steel": (
        _v("blast-furnace", 0.22, (450, 520, 580, 680, 1080, 1250, 1780, 2500, 2800, 3200), 0.09,
           Energy("process-energy", 385, 18, 340, 460), power=45),
        # ≤ 400 m³: eliminated unless registered for foundry iron (with proof).
        _v("blast-furnace", 0.012, (128, 200, 300, 350, 380, 400), 0.085,
           Energy("process-energy", 430, 20, 380, 500), power=50,
           uses=(("foundry_iron", 0.35), ("ferroalloy", 0.1), ("cast_pipe", 0.05)), eliminated=True),
        # Converter process energy is negative in practice (gas recovery); not recorded here.
        _v("converter", 0.22, (40, 50, 60, 80, 100, 120, 150, 180, 210, 250, 300), 1.1, None,
           power=30),
        _v("converter", 0.01, (10, 15, 20, 25, 30), 1.0, None, power=32,
           uses=(("ferroalloy", 0.3),), eliminated=True),
        _v("electric-arc-furnace", 0.15, (40, 50, 60, 70, 90, 100, 120, 150), 0.8,
           Energy("process-energy", 75, 10, 50, 110), power=420,
           uses=(("machinery_casting", 0.08), ("special_steel", 0.15))),
        _v("induction-furnace", 0.06, (1, 1.5, 2, 3, 5, 8, 10, 12, 15, 20), 0.6,
           Energy("process-energy", 95, 10, 70, 130), power=620,
           uses=(("machinery_casting", 0.5), ("special_steel", 0.3)), kva_per_t=750),
        _v("sintering-machine", 0.328, (90, 105, 132, 180, 230, 265, 300, 360, 450, 500), 1.05,
           Energy("process-energy", 50, 4, 40, 65), power=38),
    ),
    "cement": (
        _v("clinker-line", 0.50, (1000, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000, 10000),
           0.031, Energy("clinker-power", 61, 4.5, 52, 80), uses=(("special_cement", 0.03),)),
        _v("cement-mill", 0.47, (60, 80, 100, 120, 150, 180, 200, 240, 300), 0.72,
           Energy("cement-power", 34, 4, 25, 50)),
        _v("shaft-kiln", 0.03, (100, 150, 200, 300, 400, 600), 0.03,
           Energy("clinker-power", 85, 8, 65, 110), eliminated=True),
    ),
    "aluminium": (
        _v("prebaked-cell-series", 0.97, (200, 240, 300, 350, 400, 420, 500, 600), 0.08,
           Energy("al-ac-power", 13650, 180, 13300, 14000)),
        _v("soderberg-cell-series", 0.03, (60, 80, 100, 120, 160), 0.07,
           Energy("al-ac-power", 14800, 300, 14200, 15800), eliminated=True),
    ),
    "flat-glass": (
        _v("float-line", 0.97, (300, 400, 500, 600, 700, 800, 900, 1000, 1200), 0.7,
           Energy("glass-energy", 14.5, 1.2, 11.5, 19), power=110),
        _v("flat-draw-line", 0.03, (40, 60, 80, 100, 150), 0.6,
           Energy("glass-energy", 21, 2, 17, 27), power=140, eliminated=True),
    ),
    "coal-power": (
        _v("coal-fired-unit", 0.97, (125, 135, 200, 300, 330, 350, 600, 660, 1000), 1.0,
           Energy("coal-consumption", 305, 12, 280, 340)),
        _v("coal-fired-unit", 0.03, (6, 12, 15, 25, 50), 1.0,
           Energy("coal-consumption", 380, 20, 340, 430), eliminated=True),
    ),
}
INDUSTRY_SHARES = {"steel": 0.18, "cement": 0.40, "aluminium": 0.04, "flat-glass": 0.08,
                   "coal-power": 0.30}
# Tonnes of output per capacity unit: 10kt/a = 10,000 t; 10k weight boxes of 50 kg = 500 t.
TONNES_PER_UNIT = {"steel": 10_000, "cement": 10_000, "aluminium": 10_000, "flat-glass": 500}
LINE_PREFIX = {"blast-furnace": "BF", "converter": "BOF", "electric-arc-furnace": "EAF",
               "induction-furnace": "IF", "sintering-machine": "SJ", "clinker-line": "KL",
               "cement-mill": "CM", "shaft-kiln": "SK", "prebaked-cell-series": "PB",
               "soderberg-cell-series": "ZB", "float-line": "FL", "flat-draw-line": "PL",
               "coal-fired-unit": "U"}
NAME_SUFFIX = {
    "steel": ("钢铁有限公司", "特钢有限公司", "钢铁集团有限公司", "铸造有限公司"),
    "cement": ("水泥有限公司", "建材有限公司", "水泥厂有限公司"),
    "aluminium": ("铝业有限公司", "铝材有限公司"),
    "flat-glass": ("玻璃有限公司", "浮法玻璃有限公司", "玻璃实业有限公司"),
    "coal-power": ("发电有限责任公司", "热电有限公司", "电力有限公司"),
}
SYLLABLES = tuple("华粤南海金鑫宏兴盛达泰丰源隆昌永安顺恒信诚德和裕富利通远洋联中新东西北"
                  "明阳光辉荣瑞祥嘉宝鸿运达润泽天地龙凤山川江湖峰岭森")
SURNAMES = tuple("李王张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅"
                 "沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔")
GIVEN = tuple("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌辉林波宁"
              "海燕鹏飞俊峰浩然晨亮宇欣雪梅龙颖婷健")
ROADS = ("工业大道", "建设路", "环城路", "兴业路", "科技路", "滨江路", "站前路", "人民路",
         "东风路", "新华路", "发展大道", "港口大道")
# City centres (latitude, longitude); enterprises lie within about 0.3° of them.
CITY_CENTRES = {
    "440100": (23.13, 113.26), "440200": (24.81, 113.60), "440300": (22.54, 114.06),
    "440400": (22.27, 113.58), "440500": (23.35, 116.68), "440600": (23.02, 113.12),
    "440700": (22.58, 113.08), "440800": (21.27, 110.36), "440900": (21.66, 110.92),
    "441200": (23.05, 112.47), "441300": (23.11, 114.42), "441400": (24.29, 116.12),
    "441500": (22.79, 115.37), "441600": (23.74, 114.70), "441700": (21.86, 111.98),
    "441800": (23.68, 113.06), "441900": (23.02, 113.75), "442000": (22.52, 113.39),
    "445100": (23.66, 116.62), "445200": (23.55, 116.37), "445300": (22.92, 112.04),
}
# Heavy industry sits mostly outside the Pearl River Delta core.
CITY_WEIGHTS = {"440200": 3.0, "441800": 2.5, "445300": 2.5, "441200": 2.0, "440800": 2.0,
                "440900": 1.5, "441700": 1.5, "441600": 1.5, "441400": 1.5, "440600": 1.2,
                "440300": 0.4, "440400": 0.6, "441900": 0.8, "442000": 0.7}
LINE_STATUSES = ("operating", "rectifying", "suspended", "sealed", "dismantled")
LINE_STATUS_P = (0.86, 0.05, 0.04, 0.025, 0.025)
SOURCES = ("energy_supervision", "self_report", "online_monitoring", "third_party_audit")
SOURCE_P = (0.5, 0.4, 0.05, 0.05)


@dataclass
class Reference:
    """Ids and units of the reference rows the seed refers to, loaded once."""

    city_ids: np.ndarray
    city_codes: list[str]
    city_names: list[str]
    county_ids: list[np.ndarray]
    county_codes: list[list[str]]
    county_names: list[list[str]]
    industry_ids: dict[str, int]
    equipment: dict[str, EquipmentType]
    kinds: dict[str, IndicatorKind]

    @classmethod
    def load(cls) -> "Reference":
        cities = list(Division.objects.filter(level=Division.Level.CITY).order_by("code"))
        counties = list(Division.objects.filter(level=Division.Level.COUNTY).order_by("code"))
        if len(cities) != 21 or not counties:
            raise SeedError("Reference data is missing: run `phaseout load_reference` first.")
        by_city: dict[int, list[Division]] = {c.pk: [] for c in cities}
        for county in counties:
            by_city[county.parent_id].append(county)
        industries = {i.code: i for i in Industry.objects.filter(code__in=list(VARIANTS))}
        return cls(
            city_ids=np.array([c.pk for c in cities]),
            city_codes=[c.code for c in cities], city_names=[c.name for c in cities],
            county_ids=[np.array([d.pk for d in by_city[c.pk]]) for c in cities],
            county_codes=[[d.code for d in by_city[c.pk]] for c in cities],
            county_names=[[d.name for d in by_city[c.pk]] for c in cities],
            industry_ids={code: i.pk for code, i in industries.items()},
            equipment={e.code: e for e in EquipmentType.objects.all()},
            kinds={k.code: k for k in IndicatorKind.objects.all()},
        )


@dataclass
class SeedResult:
    enterprises: int = 0
    lines: int = 0
    indicators: int = 0
    licences: int = 0
    seconds: float = 0.0


# Variant tables flattened so that per-line attributes are one numpy index away.
INDUSTRIES = tuple(VARIANTS)
_ALL = [(ind, v) for ind in INDUSTRIES for v in VARIANTS[ind]]
V_PER_SIZE = np.array([v.per_size for _, v in _ALL])
V_KVA = np.array([v.kva_per_t for _, v in _ALL])
V_ELIMINATED = np.array([v.eliminated for _, v in _ALL])
V_POWER = np.array([v.power for _, v in _ALL])


def serial_base(seed: int) -> int:
    """First serial of a seed's credit codes. Multiplying by a large odd constant (Knuth's
    multiplicative hash) spreads neighbouring seeds ~54 million serials apart, so their
    ranges of consecutive serials do not overlap."""
    return (seed * 2_654_435_761) % SERIAL_SPACE


def _county_pick(ref: Reference, city: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Index of a county within each enterprise's city."""
    sizes = np.array([len(ids) for ids in ref.county_ids])
    return np.floor(rng.random(len(city)) * sizes[city]).astype(np.int64)


def _names(ref, city, county, industry, rng) -> tuple[list[str], list[str], list[str]]:
    n = len(city)
    s1 = rng.integers(0, len(SYLLABLES), n)
    s2 = rng.integers(0, len(SYLLABLES), n)
    suffix = rng.integers(0, 4, n)
    use_county = rng.random(n) < 0.4
    surname = rng.integers(0, len(SURNAMES), n)
    g1 = rng.integers(0, len(GIVEN), n)
    g2 = np.where(rng.random(n) < 0.7, rng.integers(0, len(GIVEN), n), -1)
    road = rng.integers(0, len(ROADS), n)
    number = rng.integers(1, 999, n)
    names, reps, addresses = [], [], []
    for i in range(n):
        c, k = city[i], county[i]
        city_name, county_name = ref.city_names[c], ref.county_names[c][k]
        place = (county_name if use_county[i] and county_name != city_name else city_name)[:-1]
        suffixes = NAME_SUFFIX[INDUSTRIES[industry[i]]]
        names.append(f"{place}{SYLLABLES[s1[i]]}{SYLLABLES[s2[i]]}{suffixes[suffix[i] % len(suffixes)]}")
        reps.append(SURNAMES[surname[i]] + GIVEN[g1[i]] + (GIVEN[g2[i]] if g2[i] >= 0 else ""))
        county_part = "" if county_name == city_name else county_name
        addresses.append(f"广东省{city_name}{county_part}{ROADS[road[i]]}{number[i]}号")
    return names, reps, addresses


def _enterprise_batch(ref: Reference, start: int, n: int, seed: int, rng) -> tuple[Batch, dict]:
    """Enterprises `start`..`start+n` of the run; the first 21 cover every city once."""
    weights = np.array([CITY_WEIGHTS.get(code, 1.0) for code in ref.city_codes])
    city = rng.choice(len(ref.city_codes), n, p=weights / weights.sum())
    first = np.arange(start, start + n)
    city = np.where(first < len(ref.city_codes), first % len(ref.city_codes), city)
    county = _county_pick(ref, city, rng)
    industry = rng.choice(len(INDUSTRIES), n, p=[INDUSTRY_SHARES[i] for i in INDUSTRIES])
    names, reps, addresses = _names(ref, city, county, industry, rng)
    centres = np.array([CITY_CENTRES[code] for code in ref.city_codes])
    lat = np.clip(centres[city, 0] + rng.uniform(-0.3, 0.3, n), 20.3, 25.5).round(5)
    lon = np.clip(centres[city, 1] + rng.uniform(-0.3, 0.3, n), 109.8, 117.2).round(5)
    status = np.where(rng.random(n) < 0.96, "operating", "suspended")
    base = serial_base(seed)
    usccs = [make_uscc((base + start + i) % SERIAL_SPACE,
                       division_code=ref.county_codes[city[i]][county[i]]) for i in range(n)]
    county_id = np.array([ref.county_ids[c][k] for c, k in zip(city, county, strict=True)])
    industry_codes = np.array(INDUSTRIES)[industry]
    columns = {
        "uscc": usccs, "name": names, "city_id": ref.city_ids[city].tolist(),
        "county_id": county_id.tolist(), "address": addresses,
        "latitude": lat.tolist(), "longitude": lon.tolist(), "legal_representative": reps,
        "industry_id": [ref.industry_ids[c] for c in industry_codes], "status": status.tolist(),
    }
    facts = {"city": city, "county_id": county_id, "industry": industry, "uscc": usccs}
    return Batch(Enterprise, columns, {"town_id": None, "version": 1}), facts


def _pick_variants(industry: np.ndarray, rng) -> np.ndarray:
    variant = np.empty(len(industry), dtype=np.int64)
    offset = 0
    for k, ind in enumerate(INDUSTRIES):
        mask = industry == k
        shares = np.array([v.share for v in VARIANTS[ind]])
        variant[mask] = offset + rng.choice(len(shares), int(mask.sum()), p=shares / shares.sum())
        offset += len(shares)
    return variant


def _sizes_and_uses(variant: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    size = np.empty(len(variant))
    use = np.full(len(variant), "general", dtype=object)
    for j, (_ind, v) in enumerate(_ALL):
        mask = variant == j
        count = int(mask.sum())
        size[mask] = rng.choice(np.array(v.sizes, dtype=float), count)
        if v.uses:
            labels = ["general", *(u for u, _ in v.uses)]
            p = [1 - sum(s for _, s in v.uses), *(s for _, s in v.uses)]
            use[mask] = np.array(labels, dtype=object)[rng.choice(len(labels), count, p=p)]
    return size, use


def _line_status(industry: np.ndarray, variant: np.ndarray, rng) -> np.ndarray:
    status = np.array(LINE_STATUSES, dtype=object)[rng.choice(5, len(variant), p=LINE_STATUS_P)]
    u = rng.random(len(variant))
    # Coal units kept for peak demand are the emergency reserve; eliminated kit is often shut.
    status[(industry == INDUSTRIES.index("coal-power")) & (u < 0.05)] = "emergency_reserve"
    eliminated = V_ELIMINATED[variant]
    status[eliminated & (u > 0.7)] = "sealed"
    status[eliminated & (u > 0.85)] = "dismantled"
    return status


def _commissioned(variant: np.ndarray, year: int, rng) -> list[str]:
    start = np.datetime64("1990-01-01")
    last = np.datetime64(f"{min(year, 2023)}-12-31")
    old = np.datetime64("2008-12-31")  # eliminated equipment is old equipment
    span = np.where(V_ELIMINATED[variant], (old - start).astype(int), (last - start).astype(int))
    days = np.floor(rng.random(len(variant)) * (span + 1)).astype("timedelta64[D]")
    return np.datetime_as_string(start + days, unit="D").tolist()


def _line_batch(ref: Reference, ent: dict, first_ent_id: int, first_line_id: int,
                mean: float, year: int, rng) -> tuple[Batch, dict]:
    counts = 1 + rng.poisson(max(mean - 1, 0), len(ent["city"]))
    owner = np.repeat(np.arange(len(counts)), counts)
    m = len(owner)
    position = np.arange(m) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    industry = ent["industry"][owner]
    variant = _pick_variants(industry, rng)
    size, use = _sizes_and_uses(variant, rng)
    capacity = np.maximum((size * V_PER_SIZE[variant] * rng.uniform(0.9, 1.1, m)).round(1), 0.1)
    second = np.where(V_KVA[variant] > 0, (size * V_KVA[variant] * rng.uniform(0.85, 1.15, m))
                      .round(-1), np.nan)
    status = _line_status(industry, variant, rng)
    eq = [ref.equipment[v.equipment] for _, v in _ALL]
    code_of = [LINE_PREFIX[v.equipment] for _, v in _ALL]
    columns = {
        "id": (first_line_id + np.arange(m)).tolist(),
        "enterprise_id": (first_ent_id + owner).tolist(),
        "line_code": [f"{code_of[v]}{p}" for v, p in zip(variant, position, strict=True)],
        "industry_id": [eq[v].industry_id for v in variant],
        "equipment_type_id": [eq[v].pk for v in variant],
        "size": size.tolist(), "size_unit": [eq[v].size_unit for v in variant],
        "second_size": [None if np.isnan(s) else s for s in second.tolist()],
        "capacity": capacity.tolist(), "capacity_unit": [eq[v].capacity_unit for v in variant],
        "commissioned_on": _commissioned(variant, year, rng), "status": status.tolist(),
        "registered_use": use.tolist(),
        "city_id": ref.city_ids[ent["city"][owner]].tolist(),
        "county_id": ent["county_id"][owner].tolist(),
    }
    facts = {"industry": industry, "variant": variant, "size": size, "capacity": capacity,
             "status": status, "id": first_line_id + np.arange(m)}
    return Batch(ProductionLine, columns, {"version": 1}), facts


def _energy_values(variant: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """The industry energy indicator per line (kind index into _ALL's Energy, value)."""
    value = np.full(len(variant), np.nan)
    for j, (_ind, v) in enumerate(_ALL):
        mask = variant == j
        if v.energy is not None:
            e = v.energy
            value[mask] = np.clip(rng.normal(e.mean, e.sd, int(mask.sum())), e.lo, e.hi)
    return value, np.isnan(value)


def _utilisation(status: np.ndarray, rng) -> np.ndarray:
    running = (status == "operating") | (status == "rectifying")
    return np.where(running, rng.uniform(0.55, 0.95, len(status)), rng.uniform(0, 0.15, len(status)))


def _output_and_power(line: dict, energy: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """Annual output (t, or MWh for coal power) and electricity use (kWh) per line."""
    industry, variant = line["industry"], line["variant"]
    util = _utilisation(line["status"], rng)
    coal = industry == INDUSTRIES.index("coal-power")
    tonnes = np.array([TONNES_PER_UNIT.get(ind, 0) for ind in INDUSTRIES])[industry]
    # A coal unit's output is MWh: its rating times the hours it ran (3,000–5,200 when running).
    hours = rng.uniform(3000, 5200, len(variant)) * np.minimum(util / 0.75, 1.0)
    output = np.where(coal, line["size"] * hours, line["capacity"] * tonnes * util)
    per_tonne = np.where(V_POWER[variant] > 0, V_POWER[variant] * rng.uniform(0.9, 1.1, len(variant)),
                         np.nan_to_num(energy))
    # A plant's own use is 4–7 % of what a coal unit generates.
    power = np.where(coal, output * 1000 * rng.uniform(0.04, 0.07, len(variant)), output * per_tonne)
    return output.round(0), power.round(0)


def _indicator_batch(ref: Reference, line: dict, first_id: int, year: int, rng) -> Batch:
    variant, status = line["variant"], line["status"]
    energy, no_energy = _energy_values(variant, rng)
    output, power = _output_and_power(line, energy, rng)
    live = status != "dismantled"
    # About 8 % of lines have not yet had their energy indicator checked this year.
    has_energy = live & ~no_energy & (rng.random(len(variant)) < 0.92)
    coal = line["industry"] == INDUSTRIES.index("coal-power")
    energy_kind = np.array([ref.kinds[v.energy.kind].pk if v.energy else 0 for _, v in _ALL])
    parts = [
        (has_energy, energy_kind[variant], energy.round(2)),
        (live, np.full(len(variant), ref.kinds["electricity-use"].pk), power),
        (live, np.where(coal, ref.kinds["generation"].pk, ref.kinds["output"].pk), output),
    ]
    line_ids = np.concatenate([line["id"][m] for m, _, _ in parts])
    kinds = np.concatenate([k[m] for m, k, _ in parts])
    values = np.concatenate([v[m] for m, _, v in parts])
    unit_of = {k.pk: k.unit for k in ref.kinds.values()}
    n = len(kinds)
    sources = np.array(SOURCES, dtype=object)[rng.choice(len(SOURCES), n, p=SOURCE_P)]
    columns = {
        "id": (first_id + np.arange(n)).tolist(), "line_id": line_ids.tolist(),
        "kind_id": kinds.tolist(), "value": values.tolist(),
        "unit": [unit_of[k] for k in kinds.tolist()], "source": sources.tolist(),
    }
    return Batch(Indicator, columns, {"year": year, "evidence": ""})


LICENCE_SCOPE = {"steel": "钢铁冶炼及压延", "cement": "水泥熟料及水泥", "aluminium": "原铝冶炼",
                 "flat-glass": "平板玻璃制造", "coal-power": "火力发电"}
LICENCE_KINDS = (
    # kind, share of steel/cement enterprises, of others, number pattern, issuer pattern
    ("production", 0.85, 0.0, "XK{n}-{uscc}", "广东省市场监督管理局"),
    ("discharge", 0.9, 0.9, "{uscc}001P", "{city}生态环境局"),
    ("safety", 0.5, 0.3, "(粤)AQ{year}-{uscc}", "广东省应急管理厅"),
)


def _licence_batch(ref: Reference, ent: dict, first_ent_id: int, first_id: int, year: int,
                   rng) -> Batch:
    cols: dict[str, list] = {k: [] for k in ("enterprise_id", "kind", "number", "scope",
                                             "valid_from", "valid_until", "issuer")}
    licensed = np.isin(ent["industry"], [INDUSTRIES.index("steel"), INDUSTRIES.index("cement")])
    for kind, p_licensed, p_other, number, issuer in LICENCE_KINDS:
        has = rng.random(len(licensed)) < np.where(licensed, p_licensed, p_other)
        # Issued over the last six years for five: about one in six has lapsed by year end.
        start = np.datetime64(f"{year - 6}-01-01") + rng.integers(0, 6 * 365, len(licensed))
        until = start + np.timedelta64(5 * 365 - 1, "D")
        for i in np.flatnonzero(has).tolist():
            ind = INDUSTRIES[ent["industry"][i]]
            cols["enterprise_id"].append(first_ent_id + i)
            cols["kind"].append(kind)
            cols["number"].append(number.format(n="05" if ind == "steel" else "08",
                                                uscc=ent["uscc"][i], year=year))
            cols["scope"].append(LICENCE_SCOPE[ind])
            cols["valid_from"].append(str(start[i]))
            cols["valid_until"].append(str(until[i]))
            cols["issuer"].append(issuer.format(city=ref.city_names[ent["city"][i]]))
    cols["id"] = list(range(first_id, first_id + len(cols["kind"])))
    return Batch(Licence, cols, {"version": 1})


# --- writers -------------------------------------------------------------------------------

def write_raw(batch: Batch, now: dt.datetime) -> None:
    """Insert a batch with the database's bulk path, on Django's connection (same transaction)."""
    batch.constants.update(_stamps(batch.model, now))
    try:
        bulk_insert(batch)
    except BulkError as exc:
        raise SeedError(f"{exc}; add it to phaseout/registry/seeding.py") from exc


def write_orm(batch: Batch, now: dt.datetime) -> None:
    """Insert a batch with plain `bulk_create` (the benchmark's baseline)."""
    batch.constants.update(_stamps(batch.model, now))
    names = list(batch.columns)
    objs = []
    for row in zip(*(batch.columns[n] for n in names), strict=True):
        obj = batch.model(**dict(zip(names, row, strict=True)), **batch.constants)
        objs.append(obj)
    batch.model.objects.bulk_create(objs, batch_size=1000)


def _stamps(model, now: dt.datetime) -> dict[str, dt.datetime]:
    stamps = ("created_at", "updated_at", "recorded_at")
    return {f.attname: now for f in model._meta.concrete_fields if f.attname in stamps}


WRITERS = {"raw": write_raw, "orm": write_orm}


# --- the run --------------------------------------------------------------------------------

def _next_ids() -> dict[Any, int]:
    return {m: (m.objects.aggregate(top=Max("id"))["top"] or 0) + 1
            for m in (Enterprise, ProductionLine, Indicator, Licence)}


def _chunks(ref: Reference, *, enterprises: int, seed: int, mean: float, year: int,
            ids: dict) -> Iterator[tuple[Batch, ...]]:
    rng = np.random.default_rng(seed)
    for start in range(0, enterprises, CHUNK):
        n = min(CHUNK, enterprises - start)
        ent_batch, ent = _enterprise_batch(ref, start, n, seed, rng)
        ent_batch.columns["id"] = list(range(ids[Enterprise], ids[Enterprise] + n))
        line_batch, line = _line_batch(ref, ent, ids[Enterprise], ids[ProductionLine], mean,
                                       year, rng)
        ind_batch = _indicator_batch(ref, line, ids[Indicator], year, rng)
        lic_batch = _licence_batch(ref, ent, ids[Enterprise], ids[Licence], year, rng)
        for batch in (ent_batch, line_batch, ind_batch, lic_batch):
            ids[batch.model] += len(batch)
        yield ent_batch, line_batch, ind_batch, lic_batch


def _refuse_collisions(batches: tuple[Batch, ...], seed: int) -> None:
    """Stop before a chunk whose credit codes are already registered; the whole run is one
    transaction, so nothing of it stays written."""
    codes = batches[0].columns["uscc"]
    clash = Enterprise.objects.filter(uscc__in=codes).values_list("uscc", flat=True).first()
    if clash is None:
        return
    if clash == codes[0]:
        raise SeedError(f"Seed {seed} was already loaded into this registry (credit code {clash} "
                        "exists). Nothing was written; run again with another --seed.")
    raise SeedError(f"Seed {seed} would register credit code {clash}, which already exists. "
                    "Nothing was written; run again with another --seed.")


def _speed_pragmas(on: bool) -> None:
    """Faster SQLite writes for a seed run outside any transaction (a crash loses the seed,
    not earlier data); PRAGMA journal/sync settings cannot change inside a transaction."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    with connection.cursor() as cur:
        if on:
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA cache_size=-262144")
            cur.execute("PRAGMA temp_store=MEMORY")
        else:
            cur.execute("PRAGMA synchronous=NORMAL")


def _reset_sequences() -> None:
    sql = connection.ops.sequence_reset_sql(no_style(), [Enterprise, ProductionLine, Indicator,
                                                         Licence])
    with connection.cursor() as cur:
        for statement in sql:
            cur.execute(statement)


def seed_registry(*, enterprises: int, seed: int, lines_mean: float = 3.3, year: int = 2023,
                  actor=None, method: str = "raw",
                  progress: Callable[[str], None] | None = None) -> SeedResult:
    """Write a synthetic registry of `enterprises` enterprises, the same for the same seed.

    Raises: SeedError if reference data is missing or this seed was already loaded.
    """
    ref = Reference.load()
    writer = WRITERS[method]
    result, started = SeedResult(), time.perf_counter()
    _speed_pragmas(True)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _lock_tables()
            now = dt.datetime.now(dt.UTC)
            chunks = _chunks(ref, enterprises=enterprises, seed=seed, mean=lines_mean, year=year,
                             ids=_next_ids())
            for batches in chunks:
                _refuse_collisions(batches, seed)
                for batch in batches:
                    writer(batch, now)
                _count(result, batches)
                if progress:
                    progress(f"  {result.enterprises:,}/{enterprises:,} enterprises, "
                             f"{result.lines:,} lines ({time.perf_counter() - started:.1f} s)")
            _reset_sequences()
            audit_record(actor=actor, action="registry.seed", object_type="registry",
                         object_id=f"seed-{seed}",
                         after={"enterprises": result.enterprises, "lines": result.lines,
                                "seed": seed})
    finally:
        _speed_pragmas(False)
    result.seconds = time.perf_counter() - started
    return result


def registry_analyze() -> float:
    """Refresh the query planner's statistics of the registry tables after a bulk load
    (SQLite never does it by itself); returns the seconds it took."""
    started = time.perf_counter()
    with connection.cursor() as cur:
        for model in (Enterprise, ProductionLine, Indicator, Licence):
            cur.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return time.perf_counter() - started


def _lock_tables() -> None:
    # The seed hands out ids itself, so nobody may insert registry rows meanwhile.
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table)
                       for m in (Enterprise, ProductionLine, Indicator, Licence))
    with connection.cursor() as cur:
        cur.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")


def _count(result: SeedResult, batches: tuple[Batch, ...]) -> None:
    ent, line, ind, lic = (len(b) for b in batches)
    result.enterprises += ent
    result.lines += line
    result.indicators += ind
    result.licences += lic
