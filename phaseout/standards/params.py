"""Law as data: parameter files under standards/params/, one quantity per file, each value
dated, cited and flagged confirmed or provisional. `load_parameters()` refuses a file that
lacks a citation, has dates out of order or names an unknown unit, and says which file,
which key and how to fix it. `ParameterSet.at(name, on)` returns the value in force on a date
(the newest entry whose date is not after it), as OpenFisca does.

File shape:

    description: 铝液综合交流电耗阶梯电价起点
    unit: kWh/t
    values:
      2022-01-01: {value: 13650, basis: "发改价格〔2021〕1239号", status: confirmed}
      2023-01-01: {value: 13450, basis: "...", status: provisional}

A value may be a number, a list of numbers, a mapping of names to numbers, or null (the
quantity stops applying from that date).
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PARAMS_DIR = Path(__file__).resolve().parent / "params"

UNITS = {
    "kWh/t", "kgce/t", "kgce/wb", "gce/kWh", "yuan/kWh", "m3", "t", "kA", "MW", "t/d", "t/h",
    "m2", "kVA", "ratio", "percent", "bool", "date", "steps", "kWh/t/step", "count", "months",
    "days",
}
STATUSES = {"confirmed", "provisional"}


class ParameterError(Exception):
    """A parameter file that cannot be used; the message names file, key and fix."""


@dataclass(frozen=True)
class DatedValue:
    start: dt.date
    value: Any
    basis: str
    status: str


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    unit: str
    values: tuple[DatedValue, ...]  # oldest first
    path: str

    def entry_at(self, on: dt.date) -> DatedValue | None:
        found = None
        for entry in self.values:
            if entry.start <= on:
                found = entry
            else:
                break
        return found


@dataclass(frozen=True)
class ParamRef:
    """What a verdict cites: the parameter, the value used, its date, basis and status."""

    name: str
    value: Any
    unit: str
    start: dt.date
    basis: str
    status: str


@dataclass
class ParameterSet:
    parameters: dict[str, Parameter]
    digest: str
    overrides: dict[str, Any] = field(default_factory=dict)

    def ref(self, name: str, on: dt.date) -> ParamRef | None:
        try:
            parameter = self.parameters[name]
        except KeyError as exc:
            raise ParameterError(f"Unknown parameter {name!r}: no file "
                                 f"params/{name.replace('.', '/')}.yaml") from exc
        entry = parameter.entry_at(on)
        if entry is None or entry.value is None:
            return None
        return ParamRef(name, entry.value, parameter.unit, entry.start, entry.basis, entry.status)

    def at(self, name: str, on: dt.date) -> Any:
        ref = self.ref(name, on)
        return None if ref is None else ref.value

    def with_overrides(self, overrides: dict[str, list[dict]]) -> "ParameterSet":
        """A copy where some parameters gain extra dated values (a what-if)."""
        parameters = dict(self.parameters)
        for name, entries in overrides.items():
            if name not in parameters:
                raise ParameterError(f"What-if names unknown parameter {name!r}.")
            base = parameters[name]
            added = [_dated(base.path + " (what-if)", e) for e in entries]
            merged = {v.start: v for v in base.values} | {v.start: v for v in added}
            parameters[name] = Parameter(name, base.description, base.unit,
                                         tuple(sorted(merged.values(), key=lambda v: v.start)),
                                         base.path)
        digest = _digest_of(parameters)
        return ParameterSet(parameters, digest, overrides=overrides)


def _dated(where: str, raw: dict) -> DatedValue:
    start = raw.get("start")
    if isinstance(start, str):
        start = dt.date.fromisoformat(start)
    if not isinstance(start, dt.date):
        raise ParameterError(f"{where}: each what-if value needs `start: YYYY-MM-DD`.")
    basis = str(raw.get("basis") or "what-if")
    return DatedValue(start, raw.get("value"), basis, "provisional")


def _parse_entry(where: str, key: Any, entry: Any, previous: dt.date | None) -> DatedValue:
    if not isinstance(key, dt.date):
        raise ParameterError(f"{where}: the key must be a date written YYYY-MM-DD.")
    if previous is not None and key <= previous:
        raise ParameterError(f"{where}: dates out of order ({key} after {previous}). "
                             f"List values oldest first.")
    if not isinstance(entry, dict) or "value" not in entry:
        raise ParameterError(f"{where}: write {{value: …, basis: …, status: …}}.")
    basis = str(entry.get("basis") or "").strip()
    if not basis:
        raise ParameterError(f"{where}: no citation. Add `basis:` with the document number "
                             f"or the standard and clause.")
    status = entry.get("status", "")
    if status not in STATUSES:
        raise ParameterError(f"{where}: status must be confirmed or provisional, got {status!r}.")
    return DatedValue(key, entry["value"], basis, status)


def _parse_file(path: Path, root: Path) -> Parameter:
    rel = path.relative_to(root).as_posix()
    name = rel.removesuffix(".yaml").replace("/", ".")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as exc:
        # PyYAML raises ValueError for an impossible date such as 2023-02-30.
        raise ParameterError(f"{rel}: not valid YAML or an impossible date ({exc}).") from exc
    if not isinstance(data, dict):
        raise ParameterError(f"{rel}: expected keys description, unit, values.")
    for key in ("description", "unit", "values"):
        if key not in data:
            raise ParameterError(f"{rel}: missing `{key}`. Add it at the top level.")
    unit = data["unit"]
    if unit not in UNITS:
        raise ParameterError(f"{rel}: unit {unit!r} is unknown. "
                             f"Use one of {', '.join(sorted(UNITS))} "
                             f"or add it to UNITS in standards/params.py.")
    values = data["values"]
    if not isinstance(values, dict) or not values:
        raise ParameterError(f"{rel}: `values` must map dates (YYYY-MM-DD) to entries.")
    entries: list[DatedValue] = []
    for key, entry in values.items():
        entries.append(_parse_entry(f"{rel}: values.{key}", key, entry,
                                    entries[-1].start if entries else None))
    return Parameter(name, str(data["description"]), unit, tuple(entries), rel)


def _digest_of(parameters: dict[str, Parameter]) -> str:
    canonical = {
        name: [p.unit, [[v.start.isoformat(), v.value, v.basis, v.status] for v in p.values]]
        for name, p in sorted(parameters.items())
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_parameters(root: Path = PARAMS_DIR) -> ParameterSet:
    """Read and check every parameter file under `root`.

    Raises: ParameterError naming the first bad file, key and the fix.
    """
    parameters = {}
    for path in sorted(root.rglob("*.yaml")):
        parameter = _parse_file(path, root)
        parameters[parameter.name] = parameter
    return ParameterSet(parameters, _digest_of(parameters))


_cache: ParameterSet | None = None


def current_parameters() -> ParameterSet:
    global _cache
    if _cache is None:
        _cache = load_parameters()
    return _cache
