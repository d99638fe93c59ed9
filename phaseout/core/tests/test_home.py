"""The overview page: counts of the user's region, or the enterprise's own summary."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _by_code(dashboard) -> dict:
    return {row["industry"].code: row for row in dashboard.by_industry}


@pytest.mark.req("P1")
def test_it_counts_the_whole_province_for_the_province(registry, province_official):
    d = client_for(province_official).get(reverse("core:home")).context["dashboard"]
    assert (d.enterprise_count, d.line_count) == (3, 4)
    rows = _by_code(d)
    assert set(rows) == {"steel", "cement", "flat-glass"}
    assert rows["steel"]["total"] == 2 and rows["steel"]["total_capacity"] == 38


@pytest.mark.req("P1")
def test_it_counts_only_shaoguan_for_shaoguan(registry, shaoguan_official):
    response = client_for(shaoguan_official).get(reverse("core:home"))
    d = response.context["dashboard"]
    assert (d.enterprise_count, d.line_count) == (2, 3)
    assert set(_by_code(d)) == {"steel", "cement"}
    assert "平板玻璃" not in response.content.decode()


@pytest.mark.req("P1")
def test_it_splits_counts_by_status(registry, province_official):
    from phaseout.registry.services import line_status_set

    line_status_set(line=registry["steel_if"], status="sealed", note="查封", actor=None)
    d = client_for(province_official).get(reverse("core:home")).context["dashboard"]
    statuses = [value for value, _label in d.statuses]
    cells = dict(zip(statuses, _by_code(d)["steel"]["cells"], strict=True))
    assert cells["operating"] == (1, 35) and cells["sealed"] == (1, 3)


@pytest.mark.req("P1", "S1")
def test_it_shows_an_enterprise_account_its_own_summary(registry, enterprise_user):
    response = client_for(enterprise_user).get(reverse("core:home"))
    d = response.context["dashboard"]
    assert d.enterprise == registry["qujiang_steel"]
    assert [ln.line_code for ln in d.lines] == ["BF1", "IF1"]
    html = response.content.decode()
    assert "曲江钢铁有限公司" in html and "翁源水泥有限公司" not in html


@pytest.mark.req("P1")
def test_it_sends_anonymous_visitors_to_the_login_page():
    response = Client().get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.req("P1")
def test_it_logs_in_through_the_login_form(shaoguan_official):
    client = Client()
    assert client.get(reverse("accounts:login")).status_code == 200
    response = client.post(reverse("accounts:login"),
                           {"username": "shaoguan", "password": "demo-password-1"})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_serves_the_regional_figures_from_cache_within_a_minute(
        registry, shaoguan_official, django_assert_num_queries):
    from phaseout.registry.selectors import dashboard

    first = dashboard(user=shaoguan_official)
    with django_assert_num_queries(0):
        again = dashboard(user=shaoguan_official)
    assert again.line_count == first.line_count == 3
