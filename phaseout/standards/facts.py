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
import io
from collections.abc import Iterable

import numpy as np
import polars as pl
import yaml
from django.db import connection

from phaseout.reference.models import Division, EquipmentType, IndicatorKind, Industry
from phaseout.reference.services import DATA_DIR
from phaseout.registry.models import Indicator, Licence, ProductionLine, Violation
from phaseout.standards.rulebook import Facts

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


# Rows fetched at a time on SQLite: bounds the Python objects alive at once.
FETCH_CHUNK = 200_000


def query_frame(sql: str, params: list, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run a query and return its rows as a polars frame, quickly on both databases:
    PostgreSQL streams `COPY (query) TO STDOUT` as CSV into polars (no Python object per
    value); SQLite fetches chunks of rows that polars turns into columns."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _copy_frame(cursor.cursor, sql, params, schema)
        cursor.execute(sql, params)
        frames = []
        while rows := cursor.fetchmany(FETCH_CHUNK):
            frames.append(pl.DataFrame(rows, schema=schema, orient="row", strict=False))
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat(frames)


def _copy_frame(cursor, sql: str, params: list, schema: dict[str, pl.DataType]
                ) -> pl.DataFrame:
    buffer = io.BytesIO()
    # COPY takes no server-side parameters: psycopg merges them into the text client-side.
    with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
        for block in copy:
            buffer.write(block)
    if not buffer.tell():
        return pl.DataFrame(schema=schema)
    buffer.seek(0)
    text_schema = {k: pl.Utf8 if v == pl.Boolean else v for k, v in schema.items()}
    frame = pl.read_csv(buffer, has_header=False, schema=text_schema)
    booleans = [k for k, v in schema.items() if v == pl.Boolean]
    return frame.with_columns(pl.col(k) == "t" for k in booleans) if booleans else frame


def _placeholders(values) -> str:
    return ",".join(["%s"] * len(values))


def _code_sql(column: str, vocab: dict[str, int], *, null: int = -1, other: int = -1) -> str:
    """SQL giving a text column's vocabulary code (`other` for any other value), so the
    database hands over small integers instead of a string per row. The values come from the
    code (choices, reference data), never from users; quotes are doubled all the same."""
    def literal(value: str) -> str:  # quoted, and % doubled for the %s parameter style
        return "'" + value.replace("'", "''").replace("%", "%%") + "'"

    whens = " ".join(f"WHEN {column} = {literal(value)} THEN {code}"
                     for value, code in vocab.items())
    return f"(CASE WHEN {column} IS NULL THEN {null} {whens} ELSE {other} END)"


def _year_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column}) AS double precision)"
    return f"CAST(substr({column}, 1, 4) AS REAL)"


def _lines_frame(scope: dict[str, object], vocab: dict[str, dict[str, int]]) -> pl.DataFrame:
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
    sql = (f"SELECT l.id, l.enterprise_id, l.city_id, l.county_id, l.industry_id, "
           f"l.equipment_type_id, {_code_sql('l.registered_use', vocab['registered_use'])}, "
           f"{_code_sql('l.status', vocab['status'])}, l.size, l.second_size, l.capacity, "
           f"{_year_sql('l.commissioned_on')} FROM {table} l WHERE {where} ORDER BY l.id")
    schema = {"line_id": pl.Int64, "enterprise_id": pl.Int64, "city_id": pl.Int64,
              "county_id": pl.Int64, "industry_id": pl.Int64, "equipment_type_id": pl.Int64,
              "registered_use": pl.Int64, "status": pl.Int64, "size": pl.Float64,
              "second_size": pl.Float64, "capacity": pl.Float64,
              "commissioned_year": pl.Float64}
    frame = query_frame(sql, params, schema)
    industries = dict(Industry.objects.values_list("id", "code"))
    equipment = dict(EquipmentType.objects.values_list("id", "code"))
    return frame.with_columns(
        _id_codes("industry_id", industries, vocab["industry"]).alias("industry"),
        _id_codes("equipment_type_id", equipment, vocab["equipment"]).alias("equipment"))


def _id_codes(column: str, codes: dict[int, str], vocab: dict[str, int]) -> pl.Expr:
    """Reference-table ids to vocabulary codes (-1 for a code outside the vocabulary)."""
    mapping = {pk: vocab.get(code, -1) for pk, code in codes.items()}
    return pl.col(column).replace_strict(mapping, default=-1, return_dtype=pl.Int64)


def _indicator_frame(year: int, vocab: dict[str, dict[str, int]],
                     line_ids: list[int] | None = None) -> pl.DataFrame:
    """Every indicator of the year: line, kind (index into indicator_codes(), -1 for a kind
    outside them), source rank (SOURCE_PRECEDENCE index, 99 for another), value, unit code.
    Lines outside the judged set are dropped when the columns are built."""
    table = Indicator._meta.db_table
    units = vocab[f"unit:{indicator_codes()[0]}"]  # one unit vocabulary for every kind
    sql = (f"SELECT i.line_id, i.kind_id, "
           f"{_code_sql('i.source', _vocab(SOURCE_PRECEDENCE), null=99, other=99)}, "
           f"i.value, {_code_sql('i.unit', units, null=units['?'])} "
           f"FROM {table} i WHERE i.year = %s")
    params: list = [year]
    if line_ids is not None:  # a few lines (a line page): read theirs, not the year's millions
        ids = list(line_ids) or [-1]
        sql += f" AND i.line_id IN ({_placeholders(ids)})"
        params += ids
    schema = {"line_id": pl.Int64, "kind_id": pl.Int64, "rank": pl.Int64, "value": pl.Float64,
              "unit": pl.Int64}
    frame = query_frame(sql, params, schema)
    kinds = {pk: code for pk, code in IndicatorKind.objects.values_list("id", "code")}
    index = {code: i for i, code in enumerate(indicator_codes())}
    return frame.with_columns(_id_codes("kind_id", kinds, index).alias("kind"))


def _enterprises_sql(enterprise_ids: list[int] | None) -> tuple[str, list]:
    if enterprise_ids is None:
        return "", []
    ids = list(enterprise_ids) or [-1]
    return f" AND enterprise_id IN ({_placeholders(ids)})", ids


def _licence_frame(on: dt.date, enterprise_ids: list[int] | None = None) -> pl.DataFrame:
    narrow, ids = _enterprises_sql(enterprise_ids)
    sql = (f"SELECT DISTINCT enterprise_id, kind FROM {Licence._meta.db_table} "
           f"WHERE valid_from <= %s AND valid_until >= %s{narrow}")
    return query_frame(sql, [on, on, *ids], {"enterprise_id": pl.Int64, "kind": pl.Utf8})


def _violation_frame(on: dt.date, enterprise_ids: list[int] | None = None) -> pl.DataFrame:
    narrow, ids = _enterprises_sql(enterprise_ids)
    sql = (f"SELECT enterprise_id, line_id, domain, serious FROM {Violation._meta.db_table} "
           f"WHERE found_on <= %s AND (resolved_on IS NULL OR resolved_on > %s){narrow}")
    schema = {"enterprise_id": pl.Int64, "line_id": pl.Int64, "domain": pl.Utf8,
              "serious": pl.Boolean}
    return query_frame(sql, [on, on, *ids], schema)


def _positions(line_ids: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row of each id among the judged lines, whether it is one of them); line_ids sorted."""
    if not len(line_ids):
        return np.zeros(len(ids), dtype=np.int64), np.zeros(len(ids), dtype=bool)
    pos = np.searchsorted(line_ids, ids)
    pos[pos >= len(line_ids)] = 0
    return pos, line_ids[pos] == ids


def _indicator_columns(line_ids: np.ndarray, indicators: pl.DataFrame,
                       vocab: dict[str, dict[str, int]]) -> dict[str, np.ndarray]:
    """Per indicator kind the value, unit code and source code of each line: where several
    sources report it, the first in SOURCE_PRECEDENCE wins."""
    n, codes = len(line_ids), indicator_codes()
    pos, found = _positions(line_ids, indicators["line_id"].to_numpy())
    chosen = (indicators.select("kind", "rank", "value", "unit")
              .with_columns(pl.Series("pos", pos), pl.Series("found", found))
              .filter(pl.col("found") & (pl.col("kind") >= 0))
              .sort(["pos", "kind", "rank"], maintain_order=True))
    pos, kind = chosen["pos"].to_numpy(), chosen["kind"].to_numpy()
    first = np.ones(len(pos), dtype=bool)
    first[1:] = (pos[1:] != pos[:-1]) | (kind[1:] != kind[:-1])
    pos, kind = pos[first], kind[first]
    rank = chosen["rank"].to_numpy()[first]
    value = chosen["value"].to_numpy()[first]
    unit = chosen["unit"].to_numpy()[first]
    source = np.where(rank < len(SOURCE_PRECEDENCE), rank, -1)
    columns: dict[str, np.ndarray] = {}
    for k, code in enumerate(codes):
        mine = kind == k
        at = pos[mine]
        values = np.full(n, np.nan)
        values[at] = value[mine]
        units = np.full(n, vocab[f"unit:{code}"]["?"], dtype=np.int64)
        units[at] = unit[mine]
        sources = np.full(n, -1, dtype=np.int64)
        sources[at] = source[mine]
        columns[f"ind:{code}"], columns[f"unit:{code}"] = values, units
        columns[f"src:{code}"] = sources
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


def _floats(series: pl.Series) -> np.ndarray:
    return series.fill_null(np.nan).to_numpy().astype(np.float64)


def facts_from_frames(lines: pl.DataFrame, indicators: pl.DataFrame, licences: pl.DataFrame,
                      violations: pl.DataFrame, vocab: dict[str, dict[str, int]]) -> Facts:
    """Facts from the frames the queries above return (lines ordered by id, categorical
    columns already as vocabulary codes)."""
    line_ids = lines["line_id"].to_numpy()
    if len(line_ids) > 1 and not (line_ids[1:] > line_ids[:-1]).all():
        raise ValueError("lines must be ordered by id")
    columns: dict[str, np.ndarray] = {
        "line_id": line_ids,
        "enterprise_id": lines["enterprise_id"].to_numpy(),
        "city_id": lines["city_id"].to_numpy(),
        "county_id": lines["county_id"].to_numpy(),
        "industry": lines["industry"].to_numpy(),
        "equipment": lines["equipment"].to_numpy(),
        "registered_use": lines["registered_use"].to_numpy(),
        "status": lines["status"].to_numpy(),
        "size": _floats(lines["size"]),
        "second_size": _floats(lines["second_size"]),
        "capacity": _floats(lines["capacity"]),
        "commissioned_year": _floats(lines["commissioned_year"]),
    }
    columns |= _indicator_columns(line_ids, indicators, vocab)
    columns |= _licence_columns(lines, licences)
    columns |= _violation_columns(lines, violations)
    return Facts(columns, vocab)


def facts_load(*, year: int, on: dt.date, city_id: int | None = None,
               county_id: int | None = None, line_ids: list[int] | None = None) -> Facts:
    """Facts for every judged line in scope for `year`, as of `on`."""
    vocab = vocabularies()
    lines = _lines_frame({"city_id": city_id, "county_id": county_id, "line_ids": line_ids},
                         vocab)
    indicators = _indicator_frame(year, vocab, line_ids)
    # For a few lines, only their enterprises' licences and violations are read.
    owners = (sorted(set(lines["enterprise_id"].to_list())) if line_ids is not None else None)
    return facts_from_frames(lines, indicators, _licence_frame(on, owners),
                             _violation_frame(on, owners), vocab)


def scope_filter(division: Division | None) -> dict[str, int]:
    """The facts_load arguments narrowing the judged lines to a run's or a what-if's area:
    none for the whole province (no division, or the province), else its city or county."""
    if division is None or division.level == Division.Level.PROVINCE:
        return {}
    if division.level == Division.Level.CITY:
        return {"city_id": division.pk}
    return {"county_id": division.pk}


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
