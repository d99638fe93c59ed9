"""The synthetic registry written to the database (`phaseout seed`), for demos, tests and
benchmarks; the data themselves are drawn by synthetic.py.

The same number of enterprises and the same seed always give the same rows. Each chunk of
enterprises the generator draws is turned into rows and written with the database's bulk
path (SQLite `executemany`, PostgreSQL `COPY`) on Django's own connection, so the seed
joins the caller's transaction and a million lines load in a few minutes. The ORM path
(`bulk_create`) writes the same rows and is kept as the benchmark's baseline.
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

from phaseout.audit.actions import Action
from phaseout.audit.services import audit_record
from phaseout.lib.bulk import Batch, BulkError, bulk_insert
from phaseout.lib.ids import make_uscc
from phaseout.reference.models import Division, EquipmentType, IndicatorKind, Industry
from phaseout.registry.models import Enterprise, Indicator, Licence, ProductionLine, Violation
from phaseout.registry.synthetic import (
    GIVEN,
    LICENCE_SHARES,
    REGISTRY_MIX,
    ROADS,
    SOURCES,
    SURNAMES,
    SYLLABLES,
    Chunk,
    Mix,
    Places,
    chunks,
    violations,
)

SERIAL_SPACE = 10**8

NAME_SUFFIX = {
    "steel": ("钢铁有限公司", "特钢有限公司", "钢铁集团有限公司", "铸造有限公司"),
    "cement": ("水泥有限公司", "建材有限公司", "水泥厂有限公司"),
    "aluminium": ("铝业有限公司", "铝材有限公司"),
    "flat-glass": ("玻璃有限公司", "浮法玻璃有限公司", "玻璃实业有限公司"),
    "coal-power": ("发电有限责任公司", "热电有限公司", "电力有限公司"),
}
LINE_PREFIX = {"blast-furnace": "BF", "converter": "BOF", "electric-arc-furnace": "EAF",
               "induction-furnace": "IF", "sintering-machine": "SJ", "clinker-line": "KL",
               "cement-mill": "CM", "shaft-kiln": "SK", "prebaked-cell-series": "PB",
               "soderberg-cell-series": "ZB", "float-line": "FL", "flat-draw-line": "PL",
               "coal-fired-unit": "U"}
LICENCE_SCOPE = {"steel": "钢铁冶炼及压延", "cement": "水泥熟料及水泥", "aluminium": "原铝冶炼",
                 "flat-glass": "平板玻璃制造", "coal-power": "火力发电"}
# Per kind of LICENCE_SHARES: the number pattern and the issuer pattern.
LICENCE_TEXT = {
    "production": ("XK{n}-{uscc}", "广东省市场监督管理局"),
    "discharge": ("{uscc}001P", "{city}生态环境局"),
    "safety": ("(粤)AQ{year}-{uscc}", "广东省应急管理厅"),
}
VIOLATION_KINDS = {"environment": "超标排放", "safety": "重大事故隐患", "quality": "产品抽检不合格"}


class SeedError(Exception):
    """The seed cannot run (missing reference data, or this seed was already loaded)."""


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
        industries = {i.code: i for i in
                      Industry.objects.filter(code__in=list(REGISTRY_MIX.industries))}
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

    @property
    def places(self) -> Places:
        return Places(tuple(self.city_codes), tuple(tuple(c) for c in self.county_codes))


@dataclass
class SeedResult:
    enterprises: int = 0
    lines: int = 0
    indicators: int = 0
    licences: int = 0
    seconds: float = 0.0


def serial_base(seed: int) -> int:
    """First serial of a seed's credit codes. Multiplying by a large odd constant (Knuth's
    multiplicative hash) spreads neighbouring seeds ~54 million serials apart, so their
    ranges of consecutive serials do not overlap."""
    return (seed * 2_654_435_761) % SERIAL_SPACE


# --- rows from the generator's arrays --------------------------------------------------------

def _names(ref: Reference, ent: dict, mix: Mix) -> tuple[list[str], list[str], list[str]]:
    names, reps, addresses = [], [], []
    for i in range(len(ent["city"])):
        c, k = ent["city"][i], ent["county"][i]
        city_name, county_name = ref.city_names[c], ref.county_names[c][k]
        use_county = ent["use_county"][i] and county_name != city_name
        place = (county_name if use_county else city_name)[:-1]
        suffixes = NAME_SUFFIX[mix.industries[ent["industry"][i]]]
        names.append(f"{place}{SYLLABLES[ent['s1'][i]]}{SYLLABLES[ent['s2'][i]]}"
                     f"{suffixes[ent['suffix'][i] % len(suffixes)]}")
        g2 = ent["g2"][i]
        reps.append(SURNAMES[ent["surname"][i]] + GIVEN[ent["g1"][i]]
                    + (GIVEN[g2] if g2 >= 0 else ""))
        county_part = "" if county_name == city_name else county_name
        addresses.append(f"广东省{city_name}{county_part}{ROADS[ent['road'][i]]}"
                         f"{ent['number'][i]}号")
    return names, reps, addresses


def _enterprise_batch(ref: Reference, chunk: Chunk, seed: int, mix: Mix,
                      first_id: int) -> tuple[Batch, list[str]]:
    ent = chunk.enterprises
    city, county, n = ent["city"], ent["county"], len(ent["city"])
    names, reps, addresses = _names(ref, ent, mix)
    base = serial_base(seed)
    usccs = [make_uscc((base + chunk.start + i) % SERIAL_SPACE,
                       division_code=ref.county_codes[city[i]][county[i]]) for i in range(n)]
    county_id = np.array([ref.county_ids[c][k] for c, k in zip(city, county, strict=True)])
    industry_codes = np.array(mix.industries)[ent["industry"]]
    columns = {
        "uscc": usccs, "name": names, "city_id": ref.city_ids[city].tolist(),
        "county_id": county_id.tolist(), "address": addresses,
        "latitude": ent["latitude"].tolist(), "longitude": ent["longitude"].tolist(),
        "legal_representative": reps,
        "industry_id": [ref.industry_ids[c] for c in industry_codes],
        "status": ent["status"].tolist(), "id": list(range(first_id, first_id + n)),
    }
    return Batch(Enterprise, columns, {"town_id": None, "version": 1}), usccs


def _line_batch(ref: Reference, chunk: Chunk, mix: Mix, first_ent_id: int,
                first_id: int) -> Batch:
    line, ent = chunk.lines, chunk.enterprises
    variant, owner, m = line["variant"], line["owner"], len(line["variant"])
    eq = [ref.equipment[v.equipment] for _, v in mix.flat]
    code_of = [LINE_PREFIX[v.equipment] for _, v in mix.flat]
    county_id = np.array([ref.county_ids[c][k] for c, k in
                          zip(ent["city"], ent["county"], strict=True)], dtype=np.int64)
    columns = {
        "id": (first_id + np.arange(m)).tolist(),
        "enterprise_id": (first_ent_id + owner).tolist(),
        "line_code": [f"{code_of[v]}{p}" for v, p in zip(variant, line["position"], strict=True)],
        "industry_id": [eq[v].industry_id for v in variant],
        "equipment_type_id": [eq[v].pk for v in variant],
        "size": line["size"].tolist(), "size_unit": [eq[v].size_unit for v in variant],
        "second_size": [None if np.isnan(s) else s for s in line["second_size"].tolist()],
        "capacity": line["capacity"].tolist(),
        "capacity_unit": [eq[v].capacity_unit for v in variant],
        "commissioned_on": np.datetime_as_string(line["commissioned_on"], unit="D").tolist(),
        "status": line["status"].tolist(), "registered_use": line["registered_use"].tolist(),
        "city_id": ref.city_ids[ent["city"][owner]].tolist(),
        "county_id": county_id[owner].tolist(),
    }
    return Batch(ProductionLine, columns, {"version": 1})


def _indicator_batch(ref: Reference, chunk: Chunk, mix: Mix, first_line_id: int,
                     first_id: int, year: int) -> Batch:
    rows = chunk.indicators
    kind_ids = np.array([ref.kinds[k].pk for k in mix.kinds])[rows["kind"]]
    units = np.array([ref.kinds[k].unit for k in mix.kinds], dtype=object)[rows["kind"]]
    units[rows["wrong_unit"]] = "?"
    n = len(kind_ids)
    columns = {
        "id": (first_id + np.arange(n)).tolist(),
        "line_id": (first_line_id + rows["line"]).tolist(),
        "kind_id": kind_ids.tolist(), "value": rows["value"].tolist(),
        "unit": units.tolist(),
        "source": np.array(SOURCES, dtype=object)[rows["source"]].tolist(),
    }
    return Batch(Indicator, columns, {"year": year, "evidence": ""})


def _licence_batch(ref: Reference, chunk: Chunk, usccs: list[str], mix: Mix,
                   first_ent_id: int, first_id: int, year: int) -> Batch:
    rows, ent = chunk.licences, chunk.enterprises
    cols: dict[str, list] = {k: [] for k in ("enterprise_id", "kind", "number", "scope",
                                             "valid_from", "valid_until", "issuer")}
    valid_from = np.datetime_as_string(rows["valid_from"], unit="D").tolist()
    valid_until = np.datetime_as_string(rows["valid_until"], unit="D").tolist()
    for j, (i, k) in enumerate(zip(rows["owner"].tolist(), rows["kind"].tolist(), strict=True)):
        kind = LICENCE_SHARES[k][0]
        number, issuer = LICENCE_TEXT[kind]
        ind = mix.industries[ent["industry"][i]]
        cols["enterprise_id"].append(first_ent_id + i)
        cols["kind"].append(kind)
        cols["number"].append(number.format(n="05" if ind == "steel" else "08",
                                            uscc=usccs[i], year=year))
        cols["scope"].append(LICENCE_SCOPE[ind])
        cols["valid_from"].append(valid_from[j])
        cols["valid_until"].append(valid_until[j])
        cols["issuer"].append(issuer.format(city=ref.city_names[ent["city"][i]]))
    cols["id"] = list(range(first_id, first_id + len(cols["kind"])))
    return Batch(Licence, cols, {"version": 1})


def _batches(ref: Reference, *, enterprises: int, seed: int, mean: float, year: int,
             ids: dict) -> Iterator[tuple[Batch, ...]]:
    mix = REGISTRY_MIX
    for chunk in chunks(ref.places, enterprises=enterprises, seed=seed, mean=mean, year=year,
                        mix=mix):
        ent_batch, usccs = _enterprise_batch(ref, chunk, seed, mix, ids[Enterprise])
        line_batch = _line_batch(ref, chunk, mix, ids[Enterprise], ids[ProductionLine])
        ind_batch = _indicator_batch(ref, chunk, mix, ids[ProductionLine], ids[Indicator], year)
        lic_batch = _licence_batch(ref, chunk, usccs, mix, ids[Enterprise], ids[Licence], year)
        for batch in (ent_batch, line_batch, ind_batch, lic_batch):
            ids[batch.model] += len(batch)
        yield ent_batch, line_batch, ind_batch, lic_batch


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
            chunks = _batches(ref, enterprises=enterprises, seed=seed, mean=lines_mean, year=year,
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
            audit_record(actor=actor, action=Action.REGISTRY_SEED, object_type="registry",
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


def seed_violations(*, seed: int, year: int, rates: dict[str, tuple[float, float]],
                    basis: str) -> int:
    """Violations for every registered line (the registry seed writes none), drawn by
    synthetic.violations from the lines in id order, written in one transaction without an
    audit entry (they are test data, like the seed's rows); returns how many."""
    pairs = np.array(ProductionLine.objects.order_by("id").values_list("id", "enterprise_id"),
                     dtype=np.int64).reshape(-1, 2)
    drawn = violations(pairs[:, 0], pairs[:, 1], seed=seed, year=year, rates=rates)
    resolved = drawn["resolved_on"]
    resolved_on = np.datetime_as_string(resolved, unit="D").astype(object)
    resolved_on[np.isnat(resolved)] = None
    columns = {
        "enterprise_id": drawn["enterprise_id"].tolist(),
        "line_id": [None if x < 0 else x for x in drawn["line_id"].tolist()],
        "domain": drawn["domain"].tolist(),
        "kind": [VIOLATION_KINDS[d] for d in drawn["domain"].tolist()],
        "serious": drawn["serious"].tolist(),
        "found_on": np.datetime_as_string(drawn["found_on"], unit="D").tolist(),
        "resolved_on": resolved_on.tolist(),
    }
    now = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        bulk_insert(Batch(Violation, columns, {"description": "", "basis": basis,
                                               "recorded_by_id": None, "recorded_at": now}))
    return len(columns["domain"])
