"""Builds the Facts columns the rules read, from the registry, for one assessment year and
as-of date. The only module of the standards app that queries the registry for evaluation.

Columns (all numpy arrays of the same length, one row per judged line):

- `line_id`, `enterprise_id`, `city_id`, `county_id`: int64
- `industry`, `equipment`, `registered_use`, `status`: int codes; compare with
  `facts.is_("equipment", "blast-furnace")` (codes are the reference/choice codes)
- `size`, `second_size`, `capacity`: float64, NaN when not recorded
- `commissioned_year`: float64, NaN when unknown
- for every indicator kind code K (reference/data/industries.yaml):
  `ind:K` float64 value for the year (NaN: none recorded), `unit:K` int code of the unit it was
  recorded in (compare with `facts.is_("unit:K", "kWh/t")`), `src:K` int code of its source.
  When several sources report the same value, energy supervision wins over a third-party
  audit, then online monitoring, then self-report.
- `licence:production`, `licence:discharge`, `licence:safety`: bool, a licence of that kind
  held by the line's enterprise is valid on the as-of date
- `viol:environment`, `viol:safety`, `viol:quality`: float64 count of violations open on the
  as-of date (found on or before it, not resolved by then) for the line or its enterprise as a
  whole; `viol_serious:<domain>` the serious ones among them

Judged lines: those operating, rectifying or suspended; sealed, dismantled and emergency
reserve lines have left production and are not judged.
"""

import datetime as dt
import functools
from collections.abc import Iterable

import numpy as np
import polars as pl
import yaml
from django.db import connection

from phaseout.reference.models import EquipmentType, IndicatorKind, Industry
from phaseout.reference.services import DATA_DIR
from phaseout.registry.models import Indicator, Licence, ProductionLine, Violation
from phaseout.standards.engine import Facts

JUDGED_STATUSES = ("operating", "rectifying", "suspended")
SOURCE_PRECEDENCE = ("energy_supervision", "third_party_audit", "online_monitoring", "self_report")
LICENCE_KINDS = tuple(Licence.Kind.values)
VIOLATION_DOMAINS = tuple(Violation.Domain.values)


def _vocab(values: Iterable[str]) -> dict[str, int]:
    return {value: i for i, value in enumerate(values)}


@functools.cache
def vocabularies() -> dict[str, dict[str, int]]:
    """Codes of the categorical columns, from the reference data files (no database), so rule
    examples and tests build facts without one."""
    data = yaml.safe_load((DATA_DIR / "industries.yaml").read_text(encoding="utf-8"))
    kinds = [(k["code"], k["unit"]) for k in data["indicators"]]
    units = sorted({u for _c, u in kinds} | {"?"})
    vocab = {
        "industry": _vocab(i["code"] for i in data["industries"]),
        "equipment": _vocab(e["code"] for i in data["industries"] for e in i["equipment"]),
        "registered_use": _vocab(ProductionLine.RegisteredUse.values),
        "status": _vocab(ProductionLine.Status.values),
    }
    for code, _unit in kinds:
        vocab[f"unit:{code}"] = _vocab(units)
        vocab[f"src:{code}"] = _vocab(SOURCE_PRECEDENCE)
    return vocab


def indicator_codes() -> list[str]:
    return [key.removeprefix("unit:") for key in vocabularies() if key.startswith("unit:")]


def query_frame(sql: str, params: list, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run a query and return its rows as a polars frame, quickly on both databases."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(rows, schema=list(schema), orient="row").cast(schema)


def _placeholders(values) -> str:
    return ",".join(["%s"] * len(values))


def _lines_frame(scope: dict[str, object]) -> pl.DataFrame:
    """`scope` narrows the judged lines: city_id, county_id or line_ids (a short list)."""
    table = ProductionLine._meta.db_table
    where = f"l.status IN ({_placeholders(JUDGED_STATUSES)})"
    params: list = list(JUDGED_STATUSES)
    for column in ("city_id", "county_id"):
        if scope.get(column) is not None:
            where += f" AND l.{column} = %s"
            params.append(scope[column])
    if scope.get("line_ids") is not None:
        ids = list(scope["line_ids"]) or [-1]
        where += f" AND l.id IN ({_placeholders(ids)})"
        params += ids
    sql = (f"SELECT l.id, l.enterprise_id, l.city_id, l.county_id, i.code, e.code, "
           f"l.registered_use, l.status, l.size, l.second_size, l.capacity, l.commissioned_on "
           f"FROM {table} l JOIN {Industry._meta.db_table} i ON i.id = l.industry_id "
           f"JOIN {EquipmentType._meta.db_table} e ON e.id = l.equipment_type_id "
           f"WHERE {where} ORDER BY l.id")
    schema = {"line_id": pl.Int64, "enterprise_id": pl.Int64, "city_id": pl.Int64,
              "county_id": pl.Int64, "industry": pl.Utf8, "equipment": pl.Utf8,
              "registered_use": pl.Utf8, "status": pl.Utf8, "size": pl.Float64,
              "second_size": pl.Float64, "capacity": pl.Float64, "commissioned_on": pl.Utf8}
    return query_frame(sql, params, schema)


def _indicator_frame(year: int) -> pl.DataFrame:
    table = Indicator._meta.db_table
    lines = ProductionLine._meta.db_table
    sql = (f"SELECT i.line_id, k.code, i.source, i.value, i.unit FROM {table} i "
           f"JOIN {IndicatorKind._meta.db_table} k ON k.id = i.kind_id "
           f"JOIN {lines} l ON l.id = i.line_id "
           f"WHERE i.year = %s AND l.status IN ({_placeholders(JUDGED_STATUSES)})")
    schema = {"line_id": pl.Int64, "kind": pl.Utf8, "source": pl.Utf8, "value": pl.Float64,
              "unit": pl.Utf8}
    frame = query_frame(sql, [year, *JUDGED_STATUSES], schema)
    rank = {s: i for i, s in enumerate(SOURCE_PRECEDENCE)}
    return (frame.with_columns(pl.col("source").replace_strict(rank, default=99).alias("rank"))
            .sort(["line_id", "kind", "rank"]).unique(["line_id", "kind"], keep="first"))


def _licence_frame(on: dt.date) -> pl.DataFrame:
    sql = (f"SELECT DISTINCT enterprise_id, kind FROM {Licence._meta.db_table} "
           f"WHERE valid_from <= %s AND valid_until >= %s")
    return query_frame(sql, [on, on], {"enterprise_id": pl.Int64, "kind": pl.Utf8})


def _violation_frame(on: dt.date) -> pl.DataFrame:
    sql = (f"SELECT enterprise_id, line_id, domain, serious FROM {Violation._meta.db_table} "
           f"WHERE found_on <= %s AND (resolved_on IS NULL OR resolved_on > %s)")
    schema = {"enterprise_id": pl.Int64, "line_id": pl.Int64, "domain": pl.Utf8,
              "serious": pl.Boolean}
    return query_frame(sql, [on, on], schema)


def _codes(series: pl.Series, vocab: dict[str, int]) -> np.ndarray:
    return series.replace_strict(vocab, default=-1, return_dtype=pl.Int64).to_numpy()


def _indicator_columns(lines: pl.DataFrame, indicators: pl.DataFrame,
                       vocab: dict[str, dict[str, int]]) -> dict[str, np.ndarray]:
    columns: dict[str, np.ndarray] = {}
    base = lines.select("line_id")
    for code in indicator_codes():
        part = indicators.filter(pl.col("kind") == code).select("line_id", "value", "unit", "source")
        joined = base.join(part, on="line_id", how="left", maintain_order="left")
        columns[f"ind:{code}"] = joined["value"].fill_null(np.nan).to_numpy().astype(np.float64)
        columns[f"unit:{code}"] = _codes(joined["unit"].fill_null("?"), vocab[f"unit:{code}"])
        columns[f"src:{code}"] = _codes(joined["source"].fill_null(""), vocab[f"src:{code}"])
    return columns


def _licence_columns(lines: pl.DataFrame, licences: pl.DataFrame) -> dict[str, np.ndarray]:
    enterprise = lines["enterprise_id"].to_numpy()
    columns = {}
    for kind in LICENCE_KINDS:
        holders = licences.filter(pl.col("kind") == kind)["enterprise_id"].to_numpy()
        columns[f"licence:{kind}"] = np.isin(enterprise, holders)
    return columns


def _violation_columns(lines: pl.DataFrame, violations: pl.DataFrame) -> dict[str, np.ndarray]:
    columns = {}
    line_ids = lines["line_id"].to_numpy()
    enterprise = lines["enterprise_id"].to_numpy()
    for domain in VIOLATION_DOMAINS:
        for prefix, frame in (("viol", violations),
                              ("viol_serious", violations.filter(pl.col("serious")))):
            part = frame.filter(pl.col("domain") == domain)
            # A violation recorded against the enterprise as a whole counts for all its lines.
            whole = part.filter(pl.col("line_id").is_null())["enterprise_id"].to_numpy()
            on_line = part.filter(pl.col("line_id").is_not_null())["line_id"].to_numpy()
            count = np.zeros(len(line_ids))
            if len(whole):
                ids, n = np.unique(whole, return_counts=True)
                pos = np.searchsorted(ids, enterprise)
                pos[pos >= len(ids)] = 0
                count += np.where(ids[pos] == enterprise, n[pos], 0)
            if len(on_line):
                ids, n = np.unique(on_line, return_counts=True)
                pos = np.searchsorted(ids, line_ids)
                pos[pos >= len(ids)] = 0
                count += np.where(ids[pos] == line_ids, n[pos], 0)
            columns[f"{prefix}:{domain}"] = count
    return columns


def facts_from_frames(lines: pl.DataFrame, indicators: pl.DataFrame, licences: pl.DataFrame,
                      violations: pl.DataFrame, vocab: dict[str, dict[str, int]]) -> Facts:
    years = lines["commissioned_on"].str.slice(0, 4).cast(pl.Float64, strict=False)
    columns: dict[str, np.ndarray] = {
        "line_id": lines["line_id"].to_numpy(),
        "enterprise_id": lines["enterprise_id"].to_numpy(),
        "city_id": lines["city_id"].to_numpy(),
        "county_id": lines["county_id"].to_numpy(),
        "industry": _codes(lines["industry"], vocab["industry"]),
        "equipment": _codes(lines["equipment"], vocab["equipment"]),
        "registered_use": _codes(lines["registered_use"], vocab["registered_use"]),
        "status": _codes(lines["status"], vocab["status"]),
        "size": lines["size"].fill_null(np.nan).to_numpy().astype(np.float64),
        "second_size": lines["second_size"].fill_null(np.nan).to_numpy().astype(np.float64),
        "capacity": lines["capacity"].fill_null(np.nan).to_numpy().astype(np.float64),
        "commissioned_year": years.fill_null(np.nan).to_numpy().astype(np.float64),
    }
    columns |= _indicator_columns(lines, indicators, vocab)
    columns |= _licence_columns(lines, licences)
    columns |= _violation_columns(lines, violations)
    return Facts(columns, vocab)


def facts_load(*, year: int, on: dt.date, city_id: int | None = None,
               county_id: int | None = None, line_ids: list[int] | None = None) -> Facts:
    """Facts for every judged line in scope for `year`, as of `on`."""
    vocab = vocabularies()
    lines = _lines_frame({"city_id": city_id, "county_id": county_id, "line_ids": line_ids})
    indicators = _indicator_frame(year)
    return facts_from_frames(lines, indicators, _licence_frame(on), _violation_frame(on), vocab)


def facts_from_records(records: list[dict]) -> Facts:
    """Facts from plain per-line dicts, as written in the rule examples (examples/*.yaml):

        {industry: steel, equipment: blast-furnace, size: 380, registered_use: general,
         status: operating, capacity: 35, commissioned_year: 2008,
         indicators: {process-energy: [398, kgce/t]} or {process-energy: {value, unit, source}},
         licences: [production, discharge], violations: {environment: 1},
         serious_violations: {safety: 1}}
    """
    vocab = vocabularies()
    n = len(records)

    def num(key: str) -> np.ndarray:
        return np.array([float(r[key]) if r.get(key) is not None else np.nan for r in records],
                        dtype=np.float64)

    def code(column: str, key: str, default: str) -> np.ndarray:
        return np.array([vocab[column].get(str(r.get(key, default)), -1) for r in records],
                        dtype=np.int64)

    columns: dict[str, np.ndarray] = {
        "line_id": np.arange(1, n + 1, dtype=np.int64),
        "enterprise_id": np.array([r.get("enterprise", i + 1) for i, r in enumerate(records)],
                                  dtype=np.int64),
        "city_id": np.zeros(n, dtype=np.int64),
        "county_id": np.zeros(n, dtype=np.int64),
        "industry": code("industry", "industry", ""),
        "equipment": code("equipment", "equipment", ""),
        "registered_use": code("registered_use", "registered_use", "general"),
        "status": code("status", "status", "operating"),
        "size": num("size"),
        "second_size": num("second_size"),
        "capacity": num("capacity"),
        "commissioned_year": num("commissioned_year"),
    }
    for kind in indicator_codes():
        values, units, sources = [], [], []
        for r in records:
            raw = (r.get("indicators") or {}).get(kind)
            if isinstance(raw, list | tuple):
                raw = {"value": raw[0], "unit": raw[1]}
            raw = raw or {}
            values.append(np.nan if raw.get("value") is None else float(raw["value"]))
            units.append(vocab[f"unit:{kind}"].get(raw.get("unit", "?"), -1))
            sources.append(vocab[f"src:{kind}"].get(raw.get("source", "energy_supervision"), -1))
        columns[f"ind:{kind}"] = np.array(values, dtype=np.float64)
        columns[f"unit:{kind}"] = np.array(units, dtype=np.int64)
        columns[f"src:{kind}"] = np.array(sources, dtype=np.int64)
    for kind in LICENCE_KINDS:
        columns[f"licence:{kind}"] = np.array([kind in (r.get("licences") or []) for r in records],
                                              dtype=bool)
    for domain in VIOLATION_DOMAINS:
        columns[f"viol:{domain}"] = np.array(
            [float((r.get("violations") or {}).get(domain, 0)) for r in records])
        columns[f"viol_serious:{domain}"] = np.array(
            [float((r.get("serious_violations") or {}).get(domain, 0)) for r in records])
    return Facts(columns, vocab)
