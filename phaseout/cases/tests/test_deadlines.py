"""Legal periods (Civil Code Arts. 200–204) on Chinese working days: pure functions, one row
per dated situation, on a frozen clock so that nothing depends on today."""

import calendar
import datetime as dt

import chinese_calendar
import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from phaseout.cases.deadlines import add_months, months_period_end, workdays_period_end
from phaseout.lib.workdays import add_workdays, day_kind, is_workday

D = dt.date
FROZEN = "2025-06-02 09:00 +08:00"

MONTH_PERIODS = [
    # start, months, nominal last day, due day, provisional
    # 2024: Sat 31 Aug + 6 months → Fri 28 Feb 2025, February has no 31st (Art. 202)
    (D(2024, 8, 31), 6, D(2025, 2, 28), D(2025, 2, 28), False),
    # 2023: 31 Aug + 6 months → Thu 29 Feb 2024 (leap year), a working day: not rolled
    (D(2023, 8, 31), 6, D(2024, 2, 29), D(2024, 2, 29), False),
    # 2024: 30 Sep + 6 months → Sun 30 Mar 2025 (corresponding day) → Mon 31 Mar (Art. 203)
    (D(2024, 9, 30), 6, D(2025, 3, 30), D(2025, 3, 31), False),
    # 2025: 15 Feb + 1 month → Sat 15 Mar → rolls to Mon 17 Mar
    (D(2025, 2, 15), 1, D(2025, 3, 15), D(2025, 3, 17), False),
    # 2026: 17 Aug 2025 + 6 → Tue 17 Feb 2026, inside the Spring Festival (15–23 Feb) → 24 Feb
    (D(2025, 8, 17), 6, D(2026, 2, 17), D(2026, 2, 24), False),
    # 2026: Sat 14 Feb is a swapped working day (调休) before the Spring Festival: not rolled
    (D(2025, 8, 14), 6, D(2026, 2, 14), D(2026, 2, 14), False),
    # 2026: Sat 28 Feb is a swapped working day after the Spring Festival: not rolled
    (D(2025, 8, 28), 6, D(2026, 2, 28), D(2026, 2, 28), False),
    # 2025: 1 Apr + 6 → Wed 1 Oct, National Day + Mid-Autumn (1–8 Oct) → Thu 9 Oct
    (D(2025, 4, 1), 6, D(2025, 10, 1), D(2025, 10, 9), False),
    # 2027 is not in the package: computed from lib/calendars/2027.yaml, provisional
    (D(2026, 12, 15), 6, D(2027, 6, 15), D(2027, 6, 15), True),
    # 2026 is in the package: an official result
    (D(2026, 6, 30), 6, D(2026, 12, 30), D(2026, 12, 30), False),
]


@pytest.mark.req("E5")
@pytest.mark.parametrize(("start", "months", "nominal", "due", "provisional"), MONTH_PERIODS)
def test_it_ends_a_period_of_months_on_the_legal_day(start, months, nominal, due, provisional):
    with time_machine.travel(FROZEN, tick=False):
        result = months_period_end(start, months)
    assert (result.nominal, result.on, result.provisional) == (nominal, due, provisional)


WORKDAY_PERIODS = [
    # start, working days, end, provisional
    # 2025: Tue 30 Sep + 1 working day → Thu 9 Oct (1–8 Oct National Day + Mid-Autumn)
    (D(2025, 9, 30), 1, D(2025, 10, 9), False),
    # 2025: Fri 26 Sep + 1 → Sun 28 Sep, a swapped working day
    (D(2025, 9, 26), 1, D(2025, 9, 28), False),
    # 2025: Fri 10 Oct + 1 → Sat 11 Oct, a swapped working day
    (D(2025, 10, 10), 1, D(2025, 10, 11), False),
    # 2025: Fri 26 Sep + 3 → Sun 28 Sep, Mon 29, Tue 30 Sep
    (D(2025, 9, 26), 3, D(2025, 9, 30), False),
    # 2025: Tue 30 Sep + 15 working days → 9 Oct is the 1st, then 10, 11 (Sat, swapped),
    # 13–17, 20–24, 27 and Tue 28 Oct is the 15th
    (D(2025, 9, 30), 15, D(2025, 10, 28), False),
    # 2026: Thu 31 Dec + 1 → Mon 4 Jan 2027 (1 Jan holiday, weekend), from the provisional file
    (D(2026, 12, 31), 1, D(2027, 1, 4), True),
]


@pytest.mark.req("E5")
@pytest.mark.parametrize(("start", "days", "end", "provisional"), WORKDAY_PERIODS)
def test_it_counts_working_days_across_holidays_and_swapped_weekends(start, days, end,
                                                                      provisional):
    with time_machine.travel(FROZEN, tick=False):
        assert add_workdays(start, days) == (end, provisional)
        result = workdays_period_end(start, days)
    assert (result.on, result.nominal, result.provisional) == (end, end, provisional)


@pytest.mark.req("E5")
def test_it_reads_the_package_data_it_relies_on():
    # The rows above hold only if the package says so (chinesecalendar 1.11.0 data).
    assert [chinese_calendar.is_workday(D(2026, 2, d)) for d in range(14, 25)] == [
        True, False, False, False, False, False, False, False, False, False, True]
    assert chinese_calendar.is_workday(D(2026, 2, 28))
    assert chinese_calendar.is_workday(D(2025, 9, 28)) and chinese_calendar.is_workday(
        D(2025, 10, 11))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 3, 1))
    assert day_kind(D(2027, 3, 1)).provisional


@pytest.mark.req("E5")
def test_it_refuses_a_period_of_no_working_days():
    with pytest.raises(ValueError):
        add_workdays(D(2025, 1, 6), 0)


DATES = st.dates(min_value=D(2004, 1, 1), max_value=D(2029, 12, 31))


@pytest.mark.req("E5")
@given(start=DATES, months=st.integers(min_value=0, max_value=36))
def test_it_lands_in_the_right_month_and_never_after_its_last_day(start, months):
    end = add_months(start, months)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    assert end.day <= calendar.monthrange(end.year, end.month)[1]
    assert end.day == start.day or end.day == calendar.monthrange(end.year, end.month)[1]


@pytest.mark.req("E5")
@given(start=DATES, months=st.integers(min_value=1, max_value=12))
def test_it_never_ends_a_period_of_months_on_a_rest_day(start, months):
    result = months_period_end(start, months)
    assert is_workday(result.on)
    assert result.on >= result.nominal
    # Nothing between the nominal last day and the due day is a working day (Art. 203).
    day = result.nominal
    while day < result.on:
        assert not is_workday(day)
        day += dt.timedelta(days=1)


@pytest.mark.req("E5")
@given(start=DATES, days=st.integers(min_value=1, max_value=30))
def test_it_counts_working_days_to_a_working_day_strictly_after_the_start(start, days):
    end, _provisional = add_workdays(start, days)
    assert end > start and is_workday(end)
    counted = sum(is_workday(start + dt.timedelta(days=i))
                  for i in range(1, (end - start).days + 1))
    assert counted == days
