"""Working days in China: weekends and public holidays are rest days, swapped weekends (调休)
are working days. The chinesecalendar package holds the official schedule (2004–2026 in
1.11.0); for later years a project file lib/calendars/<year>.yaml gives the expected holidays,
and anything computed from it (or, lacking a file, from Monday–Friday alone) is provisional
until the year's official notice is in the package."""

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

import chinese_calendar
import yaml

CALENDAR_DIR = Path(__file__).resolve().parent / "calendars"


@dataclass(frozen=True)
class DayKind:
    workday: bool
    provisional: bool


@functools.cache
def _project_year(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date], bool] | None:
    path = CALENDAR_DIR / f"{year}.yaml"
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return (frozenset(data.get("holidays") or ()), frozenset(data.get("workdays") or ()),
            bool(data.get("official")))


def day_kind(day: dt.date) -> DayKind:
    try:
        return DayKind(chinese_calendar.is_workday(day), False)
    except NotImplementedError:
        pass
    project = _project_year(day.year)
    if project is None:
        return DayKind(day.weekday() < 5, True)
    holidays, workdays, official = project
    if day in workdays:
        return DayKind(True, not official)
    return DayKind(day.weekday() < 5 and day not in holidays, not official)


def is_workday(day: dt.date) -> bool:
    return day_kind(day).workday


def next_workday_on_or_after(day: dt.date) -> tuple[dt.date, bool]:
    """The day itself if it is a working day, else the first working day after it."""
    provisional = False
    while True:
        kind = day_kind(day)
        provisional |= kind.provisional
        if kind.workday:
            return day, provisional
        day += dt.timedelta(days=1)


def add_workdays(start: dt.date, n: int) -> tuple[dt.date, bool]:
    """The n-th working day after `start` (the start day itself is not counted)."""
    if n < 1:
        raise ValueError("n must be at least 1 working day")
    day, counted, provisional = start, 0, False
    while counted < n:
        day += dt.timedelta(days=1)
        kind = day_kind(day)
        provisional |= kind.provisional
        counted += kind.workday
    return day, provisional
