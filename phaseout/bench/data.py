"""The benchmarks' synthetic data, all drawn by the registry's one generator
(phaseout/registry/synthetic.py): the seeds, the benchmark's mix, and N judged lines in
memory as the standards engine's Facts, for the in-memory part of `phaseout bench assess`.

The in-memory lines are the generator's arrays turned into the frames the facts loader reads
from the database, then into Facts by the loader's own last step
(`standards.facts.facts_from_frames`), so they are the facts a registry seeded with the same
mix would give. The mix adds to the registry seed's industries the lines it does not draw
(the other cement kilns, ferroalloy, ceramics), so every rule has lines to judge, and two
imperfections: 1 % of lines without a recorded size and 1 % of indicators in a wrong unit.
"""

import datetime as dt
import functools

import numpy as np
import polars as pl
import yaml

from phaseout.reference.services import DATA_DIR
from phaseout.registry.synthetic import LICENCE_SHARES, SOURCES, Mix, Places, chunks, violations
from phaseout.registry.variants import VARIANTS, Energy, Variant
from phaseout.standards.engine import Facts
from phaseout.standards.facts import (
    JUDGED_STATUSES,
    LICENCE_KINDS,
    SOURCE_PRECEDENCE,
    VIOLATION_DOMAINS,
    facts_from_frames,
    indicator_codes,
    vocabularies,
)

LINES_PER_ENTERPRISE = 3.3
BENCH_SEED = 900_001  # far from the demo's seed, so both can share a database
BASELINE_SEED = 900_002
ASSESS_YEAR = 2023
ASSESS_ON = dt.date(2023, 12, 31)
# Violations per line (the registry seed writes none): share of lines, share serious.
VIOLATION_RATES = {"environment": (0.03, 0.3), "safety": (0.02, 0.25), "quality": (0.01, 0.5)}
VIOLATION_BASIS = "基准测试数据"

# The lines of the industries and equipment the registry seed does not draw.
_EXTRA_VARIANTS = {
    "cement": (
        Variant("dry-hollow-kiln", 0.01, (100, 200, 300), 0.031,
                Energy("clinker-power", 80, 8, 60, 110), uses=(("special_cement", 0.4),)),
        Variant("lepol-kiln", 0.005, (200, 300, 500), 0.031,
                Energy("clinker-power", 82, 8, 60, 110)),
        Variant("wet-process-kiln", 0.005, (300, 500, 700), 0.031,
                Energy("clinker-power", 84, 8, 60, 110)),
    ),
    "ferroalloy": (Variant("submerged-arc-furnace", 1.0, (6.3, 12.5, 25, 33), 0.15, None,
                           power=4000),),
    "ceramics": (Variant("roller-kiln", 1.0, (150, 200, 300), 0.5, None, power=50),),
}
BENCH_MIX = Mix(
    {**VARIANTS, "cement": VARIANTS["cement"] + _EXTRA_VARIANTS["cement"],
     "ferroalloy": _EXTRA_VARIANTS["ferroalloy"], "ceramics": _EXTRA_VARIANTS["ceramics"]},
    {"steel": 0.17, "cement": 0.38, "aluminium": 0.04, "flat-glass": 0.08, "coal-power": 0.28,
     "ferroalloy": 0.03, "ceramics": 0.02},
    missing_size=0.01, wrong_unit=0.01)
# Lines the generator writes that are judged (not sealed, dismantled or in reserve), about.
_JUDGED_SHARE = 0.9


@functools.cache
def _indicator_units() -> dict[str, str]:
    data = yaml.safe_load((DATA_DIR / "industries.yaml").read_text(encoding="utf-8"))
    return {k["code"]: k["unit"] for k in data["indicators"]}


def _codes(values: np.ndarray, vocab: dict[str, int]) -> np.ndarray:
    """Text values as vocabulary codes (-1 for a value outside it)."""
    labels, inverse = np.unique(values.astype(str), return_inverse=True)
    return np.array([vocab.get(v, -1) for v in labels], dtype=np.int64)[inverse]


def _line_frame(chunk, mix: Mix, first_line: int, first_ent: int, places: Places,
                vocab) -> pl.DataFrame:
    line, ent = chunk.lines, chunk.enterprises
    owner, variant = line["owner"], line["variant"]
    city = ent["city"][owner]
    county = [places.county_codes[c][k] for c, k in zip(city, ent["county"][owner], strict=True)]
    industry = np.array([vocab["industry"][i] for i in mix.industries])[line["industry"]]
    equipment = np.array([vocab["equipment"][v.equipment] for _, v in mix.flat])[variant]
    year = line["commissioned_on"].astype("datetime64[Y]").astype(np.int64) + 1970
    return pl.DataFrame({
        "line_id": first_line + np.arange(len(owner)),
        "enterprise_id": first_ent + owner,
        # Division codes stand for the database ids of the city and county.
        "city_id": np.array(places.city_codes, dtype=np.int64)[city],
        "county_id": np.array(county, dtype=np.int64),
        "industry": industry, "equipment": equipment,
        "registered_use": _codes(line["registered_use"], vocab["registered_use"]),
        "status": _codes(line["status"], vocab["status"]),
        "size": line["size"], "second_size": line["second_size"],
        "capacity": line["capacity"], "commissioned_year": year.astype(np.float64),
    })


def _indicator_frame(chunk, mix: Mix, first_line: int, vocab) -> pl.DataFrame:
    rows = chunk.indicators
    codes, units = indicator_codes(), vocab[f"unit:{indicator_codes()[0]}"]
    kind = np.array([codes.index(k) if k in codes else -1 for k in mix.kinds])[rows["kind"]]
    unit = np.array([units[_indicator_units()[k]] for k in mix.kinds])[rows["kind"]]
    rank = np.array([SOURCE_PRECEDENCE.index(s) for s in SOURCES])[rows["source"]]
    return pl.DataFrame({
        "line_id": first_line + rows["line"], "rank": rank, "value": rows["value"],
        "unit": np.where(rows["wrong_unit"], units["?"], unit), "kind": kind})


def _licence_frame(chunk, first_ent: int, on: dt.date) -> pl.DataFrame:
    rows, day = chunk.licences, np.datetime64(on)
    valid = (rows["valid_from"] <= day) & (rows["valid_until"] >= day)
    kinds = np.array([kind for kind, _, _ in LICENCE_SHARES], dtype=object)
    return pl.DataFrame({"enterprise_id": first_ent + rows["owner"][valid],
                         "kind": kinds[rows["kind"][valid]].astype(str)})


def _violation_frame(lines: pl.DataFrame, seed: int, on: dt.date) -> pl.DataFrame:
    """Violations drawn as `seed_violations` draws them for the database, open on `on`."""
    drawn = violations(lines["line_id"].to_numpy(), lines["enterprise_id"].to_numpy(),
                       seed=seed, year=ASSESS_YEAR, rates=VIOLATION_RATES)
    day = np.datetime64(on)
    open_ = (drawn["found_on"] <= day) & (np.isnat(drawn["resolved_on"])
                                          | (drawn["resolved_on"] > day))
    frame = pl.DataFrame({
        "enterprise_id": drawn["enterprise_id"][open_].astype(np.int64),
        "line_id": drawn["line_id"][open_].astype(np.int64),
        "domain": drawn["domain"][open_].astype(str),
        "serious": drawn["serious"][open_].astype(bool)})
    # -1: recorded against the enterprise as a whole, a NULL line in the database.
    return frame.with_columns(pl.when(pl.col("line_id") >= 0).then(pl.col("line_id"))
                              .alias("line_id"))


def _frames(enterprises: int, seed: int, on: dt.date, mix: Mix,
            vocab) -> tuple[pl.DataFrame, ...]:
    """The frames facts_load would read from a fresh registry seeded by `seed_registry` and
    `seed_violations` with this mix and seed (ids from 1): all lines, judged or not."""
    places = Places.from_file()
    lines, indicators, licences = [], [], []
    first_line, first_ent = 1, 1
    for chunk in chunks(places, enterprises=enterprises, seed=seed, year=ASSESS_YEAR,
                        mean=LINES_PER_ENTERPRISE, mix=mix):
        lines.append(_line_frame(chunk, mix, first_line, first_ent, places, vocab))
        indicators.append(_indicator_frame(chunk, mix, first_line, vocab))
        licences.append(_licence_frame(chunk, first_ent, on))
        first_line += len(chunk.lines["owner"])
        first_ent += len(chunk.enterprises["city"])
    all_lines = pl.concat(lines)
    return (all_lines, pl.concat(indicators), pl.concat(licences),
            _violation_frame(all_lines, seed, on))


def _judged(lines: pl.DataFrame, vocab) -> pl.DataFrame:
    return lines.filter(pl.col("status").is_in([vocab["status"][s] for s in JUDGED_STATUSES]))


def registry_facts(enterprises: int, seed: int, *, on: dt.date = ASSESS_ON,
                   mix: Mix = BENCH_MIX) -> Facts:
    """The facts of every judged line of `enterprises` generated enterprises, as facts_load
    gives them for a fresh registry seeded with the same mix and seed (its city and county
    ids aside: here they are the division codes)."""
    vocab = vocabularies()
    lines, indicators, licences, open_violations = _frames(enterprises, seed, on, mix, vocab)
    return facts_from_frames(_judged(lines, vocab), indicators, licences, open_violations,
                             vocab)


def synthetic_facts(n: int, seed: int = BENCH_SEED, on: dt.date = ASSESS_ON) -> Facts:
    """N judged lines as the facts loader would build them from a registry seeded with
    BENCH_MIX (no database): every industry and equipment type, nameplate sizes, registered
    uses, energy indicators (about 8 % missing, 1 % in a wrong unit), electricity use and
    output, licences of the line's enterprise valid on `on`, and violations open on `on`.
    The first N judged lines of enough enterprises; the same N and seed give the same facts."""
    vocab = vocabularies()
    enterprises = int(n / (LINES_PER_ENTERPRISE * _JUDGED_SHARE)) + 10
    while True:
        lines, indicators, licences, open_violations = _frames(enterprises, seed, on,
                                                               BENCH_MIX, vocab)
        lines = _judged(lines, vocab)
        if lines.height >= n:
            break
        enterprises = int(enterprises * 1.2)  # rare: fewer judged lines than expected
    return facts_from_frames(lines.head(n), indicators, licences, open_violations, vocab)


def facts_records(facts: Facts, index: np.ndarray) -> list[dict]:
    """Lines of `facts` as the plain records the per-line oracle reads."""
    names = {column: {code: name for name, code in facts.vocab[column].items()}
             for column in facts.vocab}
    kinds = indicator_codes()
    records = []
    for i in index.tolist():
        def num(column: str) -> float | None:
            value = float(facts[column][i])  # noqa: B023 (used within the iteration)
            return None if np.isnan(value) else value

        record = {
            "industry": names["industry"].get(int(facts["industry"][i]), ""),
            "equipment": names["equipment"].get(int(facts["equipment"][i]), ""),
            "registered_use": names["registered_use"][int(facts["registered_use"][i])],
            "status": names["status"][int(facts["status"][i])],
            "size": num("size"), "capacity": num("capacity"),
            "licences": [k for k in LICENCE_KINDS if facts[f"licence:{k}"][i]],
            "violations": {d: num(f"viol:{d}") for d in VIOLATION_DOMAINS},
            "serious_violations": {d: num(f"viol_serious:{d}") for d in VIOLATION_DOMAINS},
            "indicators": {},
        }
        for kind in kinds:
            value = num(f"ind:{kind}")
            if value is not None:
                record["indicators"][kind] = {
                    "value": value, "unit": names[f"unit:{kind}"][int(facts[f"unit:{kind}"][i])]}
        records.append(record)
    return records
