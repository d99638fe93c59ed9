"""Legal deadlines as pure functions (Civil Code Articles 200–204):

- a period of months starts the day after the starting day (Art. 201) and ends on the day of
  the expiry month that corresponds to the starting day, or that month's last day when it has
  no such day (Art. 202): 31 August + 6 months → 28 or 29 February;
- when the last day is a rest day (weekend or public holiday, swapped working weekends
  counting as working days), the period ends on the first working day after it (Art. 203);
- a period of working days skips rest days.

Every result says whether it depends on a provisional holiday calendar (lib.workdays)."""

import calendar
import datetime as dt
from dataclasses import dataclass

from phaseout.lib.workdays import add_workdays, next_workday_on_or_after


@dataclass(frozen=True)
class Due:
    on: dt.date
    provisional: bool
    # The last day before rolling past rest days (Art. 203), for the explanation.
    nominal: dt.date


def add_months(start: dt.date, months: int) -> dt.date:
    """The corresponding day `months` later, or the last day of that month (Art. 202)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def months_period_end(start: dt.date, months: int) -> Due:
    """The last day of a period of `months` months that starts after `start`."""
    nominal = add_months(start, months)
    on, provisional = next_workday_on_or_after(nominal)
    return Due(on, provisional, nominal)


def workdays_period_end(start: dt.date, days: int) -> Due:
    on, provisional = add_workdays(start, days)
    return Due(on, provisional, on)
