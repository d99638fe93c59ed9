"""The registry search selector: parsing filters, scope, the capped count and the query."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from phaseout.registry.selectors import (
    CappedPaginator,
    FilterOptions,
    LineFilters,
    line_search,
    parse_line_filters,
)

pytestmark = pytest.mark.django_db


@pytest.mark.req("G1")
def test_it_parses_codes_into_ids(registry):
    filters, errors = parse_line_filters(QueryDict(
        "city=440200&county=440205&industry=steel&equipment_type=blast-furnace"
        "&status=operating&capacity_min=1,000&capacity_max=2000&q=%20曲江%20&sort=-capacity"))
    assert errors == []
    assert filters.city_id == registry["qujiang_steel"].city_id
    assert filters.county_id == registry["qujiang_steel"].county_id
    assert filters.industry_id == registry["qujiang_steel"].industry_id
    assert (filters.capacity_min, filters.capacity_max, filters.q, filters.sort) == (
        1000.0, 2000.0, "曲江", "-capacity")


@pytest.mark.req("G1")
@pytest.mark.parametrize(("query", "field"), [
    ("city=999999", "city"),            # no such city
    ("county=440200", "county"),        # a city code is not a county
    ("industry=gold", "industry"),
    ("equipment_type=teapot", "equipment_type"),
    ("status=closed", "status"),        # an enterprise status, not a line status
    ("capacity_min=ten", "capacity_min"),
    ("capacity_max=nan", "capacity_max"),
    ("capacity_min=5&capacity_max=1", "capacity_max"),
    ("sort=password", "sort"),
])
def test_it_reports_the_field_of_an_invalid_value(query, field):
    filters, errors = parse_line_filters(QueryDict(query))
    assert [e.field for e in errors] == [field]
    assert errors[0].message
    assert filters.sort in ("-id", "capacity", "-capacity")


@pytest.mark.req("P1")
def test_it_limits_division_choices_to_the_users_scope(registry, qujiang_handler):
    options = FilterOptions.for_user(qujiang_handler)
    assert options.cities == []
    assert [d.code for d in options.counties] == ["440205"]
    _filters, errors = parse_line_filters(QueryDict("county=440229"), options=options)
    assert [e.field for e in errors] == ["county"]


@pytest.mark.req("P1")
def test_it_searches_only_inside_the_users_scope(registry, shaoguan_official, guangzhou_viewer):
    everything = LineFilters()
    assert {ln.enterprise.name for ln in line_search(user=shaoguan_official, filters=everything)
            } == {"曲江钢铁有限公司", "翁源水泥有限公司"}
    assert {ln.enterprise.name for ln in line_search(user=guangzhou_viewer, filters=everything)
            } == {"增城玻璃有限公司"}


@pytest.mark.req("G1")
def test_it_uses_a_range_on_the_credit_code_for_a_prefix(registry, province_official):
    code = registry["qujiang_steel"].uscc
    sql = str(line_search(user=province_official, filters=LineFilters(q=code[:8])).query)
    assert "BETWEEN" in sql and "LIKE" not in sql.upper()
    sql = str(line_search(user=province_official, filters=LineFilters(q="钢铁")).query)
    assert "LIKE" in sql.upper()


@pytest.mark.req("G1")
def test_it_fetches_a_page_in_a_fixed_number_of_queries(registry, province_official):
    lines = line_search(user=province_official, filters=LineFilters())
    paginator = CappedPaginator(lines, 50)
    with CaptureQueriesContext(connection) as queries:
        page = paginator.page(1)
        rows = [(ln.enterprise.name, ln.city.name, ln.county.name, ln.industry.name,
                 ln.equipment_type.name, ln.equipment_type.second_size_unit) for ln in page]
        assert paginator.count == 4
    assert len(rows) == 4
    # Count, page ids, page rows: no query per line.
    assert len(queries) == 3


@pytest.mark.req("G1")
def test_it_caps_the_count_and_says_so(registry, province_official):
    paginator = CappedPaginator(line_search(user=province_official, filters=LineFilters()), 1,
                                cap=2)
    assert paginator.count == 3
    assert paginator.capped
    # Newest first: the glass line, the kiln, then the induction furnace (3) on page 3.
    assert [ln.capacity for ln in paginator.page(3)] == [3]
