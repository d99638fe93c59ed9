"""The registry's deterministic synthetic generator: enterprises, production lines,
indicators, licences and violations as numpy arrays, without a database.

The same mix, number of enterprises and seed always give the same arrays. `chunks` draws a
whole chunk of enterprises at once; `phaseout seed` (seeding.py) turns each chunk into rows
of the registry tables, and the benchmarks turn them into the standards engine's facts in
memory, so both measure the same data.

The data are synthetic but plausible: sizes come from the usual nameplate ratings of each
equipment type, capacity follows size, and about 3 % of lines are equipment the
eliminated catalogue names (FACTS.md section 6), so the standards engine has work to do.
Indices stand for reference rows (a city by its place among the cities ordered by code, a
county by its place among its city's counties, an industry by its place in the mix), so the
generator needs only the number of counties of each city (`Places`).
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from phaseout.reference.services import DIVISIONS_FILE
from phaseout.registry.variants import INDUSTRY_SHARES, TONNES_PER_UNIT, VARIANTS, Variant

# Enterprises per chunk: bounds memory (about 70,000 lines and 200,000 indicators).
CHUNK = 20_000

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
# Licence kind, share held by steel and cement enterprises, share held by the others.
LICENCE_SHARES = (("production", 0.85, 0.0), ("discharge", 0.9, 0.9), ("safety", 0.5, 0.3))
LICENSED_INDUSTRIES = ("steel", "cement")
# What enterprise names, legal representatives and addresses are drawn from.
SYLLABLES = tuple("华粤南海金鑫宏兴盛达泰丰源隆昌永安顺恒信诚德和裕富利通远洋联中新东西北"
                  "明阳光辉荣瑞祥嘉宝鸿运达润泽天地龙凤山川江湖峰岭森")
SURNAMES = tuple("李王张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅"
                 "沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔")
GIVEN = tuple("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌辉林波宁"
              "海燕鹏飞俊峰浩然晨亮宇欣雪梅龙颖婷健")
ROADS = ("工业大道", "建设路", "环城路", "兴业路", "科技路", "滨江路", "站前路", "人民路",
         "东风路", "新华路", "发展大道", "港口大道")
NAME_SUFFIXES = 4  # an industry's company-name endings are chosen among this many draws
# Kinds every live line reports besides its industry's energy indicator.
COMMON_KINDS = ("electricity-use", "output", "generation")


@dataclass
class Mix:
    """What the generator draws from: the variants of each industry, the industries' shares
    of enterprises, and two imperfections the registry seed leaves out (a share of lines
    whose size is not recorded, a share of indicators in a unit their kind does not use)."""

    variants: dict[str, tuple[Variant, ...]]
    industry_shares: dict[str, float]
    missing_size: float = 0.0
    wrong_unit: float = 0.0
    industries: tuple[str, ...] = field(init=False)
    flat: list[tuple[str, Variant]] = field(init=False)  # every variant, industry by industry
    kinds: tuple[str, ...] = field(init=False)  # the indicator kinds drawn, by index

    def __post_init__(self) -> None:
        self.industries = tuple(self.variants)
        self.flat = [(ind, v) for ind in self.industries for v in self.variants[ind]]
        energy = sorted({v.energy.kind for _, v in self.flat if v.energy})
        self.kinds = (*COMMON_KINDS, *energy)
        self.per_size = np.array([v.per_size for _, v in self.flat])
        self.kva = np.array([v.kva_per_t for _, v in self.flat])
        self.eliminated = np.array([v.eliminated for _, v in self.flat])
        self.power = np.array([v.power for _, v in self.flat])
        self.energy_kind = np.array([self.kinds.index(v.energy.kind) if v.energy else 0
                                     for _, v in self.flat])

    def industry(self, code: str) -> int:
        return self.industries.index(code) if code in self.industries else -1


REGISTRY_MIX = Mix(VARIANTS, INDUSTRY_SHARES)


@dataclass(frozen=True)
class Places:
    """The cities, ordered by code, and the codes of each city's counties, ordered by code."""

    city_codes: tuple[str, ...]
    county_codes: tuple[tuple[str, ...], ...]

    @property
    def county_counts(self) -> np.ndarray:
        return np.array([len(codes) for codes in self.county_codes])

    @classmethod
    def from_file(cls) -> "Places":
        """The cities and counties of the reference data file (no database)."""
        with DIVISIONS_FILE.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        cities = sorted(r["code"] for r in rows if r["level"] == "city")
        counties: dict[str, list[str]] = {c: [] for c in cities}
        for row in sorted(rows, key=lambda r: r["code"]):
            if row["level"] == "county":
                counties[row["parent_code"]].append(row["code"])
        return cls(tuple(cities), tuple(tuple(counties[c]) for c in cities))


@dataclass
class Chunk:
    """One chunk of enterprises and everything they own, as arrays. `owner` is an
    enterprise's index in the chunk, `line` a line's index in the chunk."""

    start: int  # the run's index of the chunk's first enterprise
    enterprises: dict[str, np.ndarray]
    lines: dict[str, np.ndarray]
    indicators: dict[str, np.ndarray]
    licences: dict[str, np.ndarray]


def _name_draws(n: int, rng) -> dict[str, np.ndarray]:
    """Indices into the name tables for a name, a legal representative and an address."""
    draws = {"s1": rng.integers(0, len(SYLLABLES), n), "s2": rng.integers(0, len(SYLLABLES), n),
             "suffix": rng.integers(0, NAME_SUFFIXES, n), "use_county": rng.random(n) < 0.4,
             "surname": rng.integers(0, len(SURNAMES), n), "g1": rng.integers(0, len(GIVEN), n)}
    draws["g2"] = np.where(rng.random(n) < 0.7, rng.integers(0, len(GIVEN), n), -1)
    draws["road"] = rng.integers(0, len(ROADS), n)
    draws["number"] = rng.integers(1, 999, n)
    return draws


def _enterprises(places: Places, start: int, n: int, mix: Mix, rng) -> dict[str, np.ndarray]:
    """Enterprises `start`..`start+n` of the run; the first 21 cover every city once."""
    weights = np.array([CITY_WEIGHTS.get(code, 1.0) for code in places.city_codes])
    city = rng.choice(len(places.city_codes), n, p=weights / weights.sum())
    first = np.arange(start, start + n)
    city = np.where(first < len(places.city_codes), first % len(places.city_codes), city)
    county = np.floor(rng.random(n) * places.county_counts[city]).astype(np.int64)
    industry = rng.choice(len(mix.industries), n,
                          p=[mix.industry_shares[i] for i in mix.industries])
    names = _name_draws(n, rng)
    centres = np.array([CITY_CENTRES[code] for code in places.city_codes])
    lat = np.clip(centres[city, 0] + rng.uniform(-0.3, 0.3, n), 20.3, 25.5).round(5)
    lon = np.clip(centres[city, 1] + rng.uniform(-0.3, 0.3, n), 109.8, 117.2).round(5)
    status = np.where(rng.random(n) < 0.96, "operating", "suspended")
    return {"city": city, "county": county, "industry": industry, "latitude": lat,
            "longitude": lon, "status": status, **names}


def _pick_variants(industry: np.ndarray, mix: Mix, rng) -> np.ndarray:
    variant = np.empty(len(industry), dtype=np.int64)
    offset = 0
    for k, ind in enumerate(mix.industries):
        mask = industry == k
        shares = np.array([v.share for v in mix.variants[ind]])
        variant[mask] = offset + rng.choice(len(shares), int(mask.sum()), p=shares / shares.sum())
        offset += len(shares)
    return variant


def _sizes_and_uses(variant: np.ndarray, mix: Mix, rng) -> tuple[np.ndarray, np.ndarray]:
    size = np.empty(len(variant))
    use = np.full(len(variant), "general", dtype=object)
    for j, (_ind, v) in enumerate(mix.flat):
        mask = variant == j
        count = int(mask.sum())
        size[mask] = rng.choice(np.array(v.sizes, dtype=float), count)
        if v.uses:
            labels = ["general", *(u for u, _ in v.uses)]
            p = [1 - sum(s for _, s in v.uses), *(s for _, s in v.uses)]
            use[mask] = np.array(labels, dtype=object)[rng.choice(len(labels), count, p=p)]
    return size, use


def _line_status(industry: np.ndarray, variant: np.ndarray, mix: Mix, rng) -> np.ndarray:
    status = np.array(LINE_STATUSES, dtype=object)[rng.choice(5, len(variant), p=LINE_STATUS_P)]
    u = rng.random(len(variant))
    # Coal units kept for peak demand are the emergency reserve; eliminated kit is often shut.
    status[(industry == mix.industry("coal-power")) & (u < 0.05)] = "emergency_reserve"
    eliminated = mix.eliminated[variant]
    status[eliminated & (u > 0.7)] = "sealed"
    status[eliminated & (u > 0.85)] = "dismantled"
    return status


def _commissioned(variant: np.ndarray, year: int, mix: Mix, rng) -> np.ndarray:
    start = np.datetime64("1990-01-01")
    last = np.datetime64(f"{min(year, 2023)}-12-31")
    old = np.datetime64("2008-12-31")  # eliminated equipment is old equipment
    span = np.where(mix.eliminated[variant], (old - start).astype(int),
                    (last - start).astype(int))
    days = np.floor(rng.random(len(variant)) * (span + 1)).astype("timedelta64[D]")
    return start + days


def _lines(ent: dict, mean: float, year: int, mix: Mix, rng) -> dict[str, np.ndarray]:
    counts = 1 + rng.poisson(max(mean - 1, 0), len(ent["city"]))
    owner = np.repeat(np.arange(len(counts)), counts)
    m = len(owner)
    position = np.arange(m) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    industry = ent["industry"][owner]
    variant = _pick_variants(industry, mix, rng)
    size, use = _sizes_and_uses(variant, mix, rng)
    capacity = np.maximum((size * mix.per_size[variant] * rng.uniform(0.9, 1.1, m)).round(1),
                          0.1)
    second = np.where(mix.kva[variant] > 0, (size * mix.kva[variant]
                                             * rng.uniform(0.85, 1.15, m)).round(-1), np.nan)
    status = _line_status(industry, variant, mix, rng)
    commissioned = _commissioned(variant, year, mix, rng)
    recorded_size = size.copy()
    if mix.missing_size:
        recorded_size[rng.random(m) < mix.missing_size] = np.nan  # a size not yet recorded
    return {"owner": owner, "position": position, "industry": industry, "variant": variant,
            "size": recorded_size, "true_size": size, "registered_use": use,
            "capacity": capacity, "second_size": second, "status": status,
            "commissioned_on": commissioned}


def _energy_values(variant: np.ndarray, mix: Mix, rng) -> tuple[np.ndarray, np.ndarray]:
    """The industry energy indicator per line (value, and whether there is none)."""
    value = np.full(len(variant), np.nan)
    for j, (_ind, v) in enumerate(mix.flat):
        mask = variant == j
        if v.energy is not None:
            e = v.energy
            value[mask] = np.clip(rng.normal(e.mean, e.sd, int(mask.sum())), e.lo, e.hi)
    return value, np.isnan(value)


def _utilisation(status: np.ndarray, rng) -> np.ndarray:
    running = (status == "operating") | (status == "rectifying")
    return np.where(running, rng.uniform(0.55, 0.95, len(status)),
                    rng.uniform(0, 0.15, len(status)))


def _output_and_power(line: dict, energy: np.ndarray, mix: Mix,
                      rng) -> tuple[np.ndarray, np.ndarray]:
    """Annual output (t, or MWh for coal power) and electricity use (kWh) per line."""
    industry, variant, n = line["industry"], line["variant"], len(line["variant"])
    util = _utilisation(line["status"], rng)
    coal = industry == mix.industry("coal-power")
    tonnes = np.array([TONNES_PER_UNIT.get(ind, 0) for ind in mix.industries])[industry]
    # A coal unit's output is MWh: its rating times the hours it ran (3,000–5,200 when running).
    hours = rng.uniform(3000, 5200, n) * np.minimum(util / 0.75, 1.0)
    output = np.where(coal, line["true_size"] * hours, line["capacity"] * tonnes * util)
    per_tonne = np.where(mix.power[variant] > 0, mix.power[variant] * rng.uniform(0.9, 1.1, n),
                         np.nan_to_num(energy))
    # A plant's own use is 4–7 % of what a coal unit generates.
    power = np.where(coal, output * 1000 * rng.uniform(0.04, 0.07, n), output * per_tonne)
    return output.round(0), power.round(0)


def _indicators(line: dict, mix: Mix, rng) -> dict[str, np.ndarray]:
    """The year's indicators, energy first, then electricity use, then output or generation;
    `kind` indexes mix.kinds, `source` SOURCES."""
    variant, status = line["variant"], line["status"]
    energy, no_energy = _energy_values(variant, mix, rng)
    output, power = _output_and_power(line, energy, mix, rng)
    live = status != "dismantled"
    # About 8 % of lines have not yet had their energy indicator checked this year.
    has_energy = live & ~no_energy & (rng.random(len(variant)) < 0.92)
    coal = line["industry"] == mix.industry("coal-power")
    common = {kind: mix.kinds.index(kind) for kind in COMMON_KINDS}
    parts = [
        (has_energy, mix.energy_kind[variant], energy.round(2)),
        (live, np.full(len(variant), common["electricity-use"]), power),
        (live, np.where(coal, common["generation"], common["output"]), output),
    ]
    rows = {"line": np.concatenate([np.flatnonzero(m) for m, _, _ in parts]),
            "kind": np.concatenate([k[m] for m, k, _ in parts]),
            "value": np.concatenate([v[m] for m, _, v in parts])}
    n = len(rows["kind"])
    rows["source"] = rng.choice(len(SOURCES), n, p=SOURCE_P)
    rows["wrong_unit"] = np.zeros(n, dtype=bool)
    if mix.wrong_unit:
        rows["wrong_unit"] = rng.random(n) < mix.wrong_unit
    return rows


def _licences(ent: dict, year: int, mix: Mix, rng) -> dict[str, np.ndarray]:
    """Licences kind by kind (`kind` indexes LICENCE_SHARES), each valid for five years."""
    licensed = np.isin(ent["industry"], [mix.industry(c) for c in LICENSED_INDUSTRIES])
    n = len(licensed)
    parts = []
    for k, (_kind, p_licensed, p_other) in enumerate(LICENCE_SHARES):
        has = rng.random(n) < np.where(licensed, p_licensed, p_other)
        # Issued over the last six years for five: about one in six has lapsed by year end.
        start = np.datetime64(f"{year - 6}-01-01") + rng.integers(0, 6 * 365, n)
        held = np.flatnonzero(has)
        parts.append((held, np.full(len(held), k), start[held]))
    valid_from = np.concatenate([s for _, _, s in parts])
    return {"owner": np.concatenate([h for h, _, _ in parts]),
            "kind": np.concatenate([k for _, k, _ in parts]),
            "valid_from": valid_from,
            "valid_until": valid_from + np.timedelta64(5 * 365 - 1, "D")}


def chunks(places: Places, *, enterprises: int, seed: int, mean: float = 3.3,
           year: int = 2023, mix: Mix = REGISTRY_MIX) -> Iterator[Chunk]:
    """The run's enterprises, CHUNK at a time, each with its lines (1 + Poisson(mean - 1)
    per enterprise), the year's indicators and its licences."""
    rng = np.random.default_rng(seed)
    for start in range(0, enterprises, CHUNK):
        n = min(CHUNK, enterprises - start)
        ent = _enterprises(places, start, n, mix, rng)
        line = _lines(ent, mean, year, mix, rng)
        yield Chunk(start, ent, line, _indicators(line, mix, rng), _licences(ent, year, mix, rng))


def violations(line_ids: np.ndarray, enterprise_ids: np.ndarray, *, seed: int, year: int,
               rates: dict[str, tuple[float, float]]) -> dict[str, np.ndarray]:
    """Violations of the given lines (the registry seed writes none): for each domain with
    its (share of lines, share serious), found over the two years up to `year`, most still
    open (`resolved_on` NaT), a tenth recorded against the enterprise as a whole (`line_id`
    -1). Lines in id order; the same lines and seed give the same violations."""
    rng = np.random.default_rng(seed)
    start = np.datetime64(f"{year - 1}-01-01")
    parts: list[dict[str, np.ndarray]] = []
    for domain, (share, serious) in rates.items():
        chosen = np.flatnonzero(rng.random(len(line_ids)) < share)
        n = len(chosen)
        found = start + rng.integers(0, 700, n).astype("timedelta64[D]")
        resolved = found + rng.integers(10, 200, n).astype("timedelta64[D]")
        resolved[rng.random(n) < 0.7] = np.datetime64("NaT")  # most are still open
        whole = rng.random(n) < 0.1
        parts.append({"enterprise_id": enterprise_ids[chosen],
                      "line_id": np.where(whole, -1, line_ids[chosen]),
                      "domain": np.full(n, domain, dtype=object),
                      "serious": rng.random(n) < serious,
                      "found_on": found, "resolved_on": resolved})
    keys = ("enterprise_id", "line_id", "domain", "serious", "found_on", "resolved_on")
    if not parts:
        return {k: np.array([]) for k in keys}
    return {k: np.concatenate([p[k] for p in parts]) for k in keys}
