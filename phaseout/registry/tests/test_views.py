"""The registry workbench pages: who sees what, filters, sorting, editing and status."""

import pytest
from django.test import Client
from django.urls import reverse

from phaseout.audit.models import AuditEntry
from phaseout.registry.models import Enterprise, EnterpriseChange, LineStatusChange

pytestmark = pytest.mark.django_db

SEARCH = reverse("registry:line-list")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def names_in(response) -> set[str]:
    return {line.enterprise.name for line in response.context["page"].object_list}


@pytest.mark.req("P1", "G1")
def test_it_shows_the_province_every_line(registry, province_official):
    response = client_for(province_official).get(SEARCH)
    assert response.status_code == 200
    assert names_in(response) == {"曲江钢铁有限公司", "翁源水泥有限公司", "增城玻璃有限公司"}
    assert len(response.context["page"].object_list) == 4


@pytest.mark.req("P1")
def test_it_shows_shaoguan_only_its_own_lines(registry, shaoguan_official):
    response = client_for(shaoguan_official).get(SEARCH)
    assert names_in(response) == {"曲江钢铁有限公司", "翁源水泥有限公司"}
    # Guangzhou's glass works is not even named on the page.
    assert "增城玻璃有限公司" not in response.content.decode()


@pytest.mark.req("P1")
def test_it_shows_qujiang_only_its_county(registry, qujiang_handler):
    response = client_for(qujiang_handler).get(SEARCH)
    assert names_in(response) == {"曲江钢铁有限公司"}


@pytest.mark.req("P1")
def test_it_shows_an_enterprise_account_only_itself(registry, enterprise_user):
    response = client_for(enterprise_user).get(SEARCH)
    assert names_in(response) == {"曲江钢铁有限公司"}
    response = client_for(enterprise_user).get(reverse("registry:enterprise-list"))
    assert [e.name for e in response.context["page"].object_list] == ["曲江钢铁有限公司"]


@pytest.mark.req("P1")
def test_it_refuses_a_county_of_another_city_with_a_message(registry, shaoguan_official):
    # Zengcheng (440118) is in Guangzhou: not offered to Shaoguan, and named as refused.
    response = client_for(shaoguan_official).get(SEARCH, {"county": "440118"})
    assert response.status_code == 200
    assert "440118" in response.content.decode()
    assert [e.field for e in response.context["filter_errors"]] == ["county"]
    assert "增城玻璃有限公司" not in response.content.decode()


@pytest.mark.req("P1")
def test_it_offers_only_divisions_in_the_users_scope(registry, shaoguan_official):
    options = client_for(shaoguan_official).get(SEARCH).context["options"]
    assert [d.code for d in options.cities] == ["440200"]
    assert "440205" in {d.code for d in options.counties}
    assert "440118" not in {d.code for d in options.counties}


@pytest.mark.req("P1")
def test_it_links_the_export_with_the_same_filters_for_those_allowed(
    registry, shaoguan_official, enterprise_user
):
    response = client_for(shaoguan_official).get(SEARCH, {"industry": "steel", "page": "1"})
    html = response.content.decode()
    assert reverse("registry:line-export") + "?industry=steel" in html
    # An enterprise account may not export, so it gets no link.
    html = client_for(enterprise_user).get(SEARCH).content.decode()
    assert 'id="export-link"' not in html


@pytest.mark.req("G1")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"industry": "cement"}, {"翁源水泥有限公司"}),
        ({"city": "440100"}, {"增城玻璃有限公司"}),
        ({"county": "440205", "equipment_type": "blast-furnace"}, {"曲江钢铁有限公司"}),
        ({"capacity_min": "50"}, {"翁源水泥有限公司", "增城玻璃有限公司"}),
        ({"capacity_max": "10"}, {"曲江钢铁有限公司"}),
        ({"q": "水泥"}, {"翁源水泥有限公司"}),
        ({"status": "sealed"}, set()),
    ],
)
def test_it_filters_lines(registry, province_official, query, expected):
    response = client_for(province_official).get(SEARCH, query)
    assert not response.context["filter_errors"]
    assert names_in(response) == expected


@pytest.mark.req("G1")
def test_it_finds_an_enterprise_by_credit_code_prefix_and_exact_code(registry, province_official):
    glass = registry["zengcheng_glass"]
    client = client_for(province_official)
    assert names_in(client.get(SEARCH, {"q": glass.uscc})) == {"增城玻璃有限公司"}
    assert names_in(client.get(SEARCH, {"q": glass.uscc[:10].lower()})) == {"增城玻璃有限公司"}


@pytest.mark.req("G1")
def test_it_sorts_by_capacity_both_ways(registry, province_official):
    client = client_for(province_official)
    ascending = [ln.capacity for ln in client.get(SEARCH, {"sort": "capacity"}).context["page"]]
    descending = [ln.capacity for ln in client.get(SEARCH, {"sort": "-capacity"}).context["page"]]
    assert ascending == [3, 35, 77.5, 450]
    assert descending == [450, 77.5, 35, 3]


@pytest.mark.req("G1")
def test_it_keeps_filters_in_sort_and_page_links(registry, province_official, settings):
    settings.REGISTRY_PAGE_SIZE = 2
    html = (
        client_for(province_official)
        .get(SEARCH, {"industry": "steel", "sort": "-capacity"})
        .content.decode()
    )
    assert "?industry=steel&amp;sort=capacity" in html
    response = client_for(province_official).get(SEARCH, {"city": "440200", "sort": "size"})
    html = response.content.decode()
    assert "city=440200&amp;sort=size&amp;page=2" in html
    assert response.context["paginator"].count == 3


@pytest.mark.req("G1")
def test_it_names_the_field_of_an_invalid_filter(registry, province_official):
    response = client_for(province_official).get(
        SEARCH, {"capacity_min": "abc", "status": "bogus", "sort": "drop table"}
    )
    assert response.status_code == 200
    assert {e.field for e in response.context["filter_errors"]} == {
        "capacity_min",
        "status",
        "sort",
    }
    html = response.content.decode()
    assert 'id="filter-errors"' in html and "abc" in html
    # The other filters still apply: every line is listed.
    assert len(response.context["page"].object_list) == 4


@pytest.mark.req("T5")
def test_it_shows_an_induction_furnace_with_its_kva_rating(registry, province_official):
    html = (
        client_for(province_official)
        .get(SEARCH, {"equipment_type": "induction-furnace"})
        .content.decode()
    )
    assert "4000千伏安" in html  # units by their Chinese name (lib/quantities.py)


@pytest.mark.req("P1")
def test_it_redirects_anonymous_visitors_to_login(registry):
    steel = registry["qujiang_steel"]
    urls = [
        reverse("core:home"),
        SEARCH,
        reverse("registry:enterprise-list"),
        reverse("registry:enterprise-detail", args=[steel.uscc]),
        reverse("registry:enterprise-edit", args=[steel.uscc]),
        reverse("registry:line-detail", args=[registry["steel_bf"].pk]),
        reverse("registry:line-status", args=[registry["steel_bf"].pk]),
        reverse("audit:entry-list"),
    ]
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


@pytest.mark.req("P1", "S1")
def test_it_hides_an_enterprise_outside_the_users_region(registry, shaoguan_official):
    client = client_for(shaoguan_official)
    glass = registry["zengcheng_glass"]
    assert client.get(reverse("registry:enterprise-detail", args=[glass.uscc])).status_code == 404
    assert client.get(reverse("registry:enterprise-edit", args=[glass.uscc])).status_code == 404
    assert (
        client.get(reverse("registry:line-detail", args=[registry["glass_float"].pk])).status_code
        == 404
    )
    listed = client.get(reverse("registry:enterprise-list")).context["page"].object_list
    assert {e.name for e in listed} == {"曲江钢铁有限公司", "翁源水泥有限公司"}


@pytest.mark.req("S1")
def test_it_shows_the_enterprise_archive_with_licences_and_history(registry, shaoguan_official):
    steel = registry["qujiang_steel"]
    response = client_for(shaoguan_official).get(
        reverse("registry:enterprise-detail", args=[steel.uscc])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "XK05-001-00001" in html and "BF1" in html and "IF1" in html
    archive = response.context["archive"]
    assert {a.action for a in archive.audit_entries} >= {"enterprise.create", "line.create"}
    assert len(archive.status_changes) == 2  # each line's registration


@pytest.mark.req("S1")
def test_it_marks_an_expired_licence(registry, shaoguan_official):
    from phaseout.registry.services import licence_save
    from phaseout.registry.validation import Lookups, clean_licence

    steel = registry["qujiang_steel"]
    data, errors = clean_licence(
        {
            "uscc": steel.uscc,
            "kind": "discharge",
            "number": "PW-2015-9",
            "valid_from": "2015-01-01",
            "valid_until": "2020-12-31",
        },
        Lookups.load(),
    )
    assert not errors
    licence_save(enterprise=steel, data=data, actor=None)
    html = (
        client_for(shaoguan_official)
        .get(reverse("registry:enterprise-detail", args=[steel.uscc]))
        .content.decode()
    )
    assert 'class="expired"' in html
    assert html.count("status-expired") == 1


def _edit_post(enterprise, version: int, **changes) -> dict:
    data = {
        "name": enterprise.name,
        "address": enterprise.address,
        "legal_representative": enterprise.legal_representative,
        "county": enterprise.county.code,
        "town": "",
        "latitude": "",
        "longitude": "",
        "industry": enterprise.industry.code,
        "status": enterprise.status,
        "version": version,
    }
    data.update(changes)
    return data


@pytest.mark.req("S1")
def test_it_saves_an_enterprise_edit_with_history_and_audit(registry, shaoguan_official):
    steel = registry["qujiang_steel"]
    url = reverse("registry:enterprise-edit", args=[steel.uscc])
    client = client_for(shaoguan_official)
    assert client.get(url).status_code == 200
    response = client.post(url, _edit_post(steel, steel.version, legal_representative="李四"))
    assert response.status_code == 302
    steel.refresh_from_db()
    assert steel.legal_representative == "李四" and steel.version == 2
    change = EnterpriseChange.objects.get(enterprise=steel, field="legal_representative")
    assert (change.old_value, change.new_value, change.actor) == ("张三", "李四", shaoguan_official)
    assert AuditEntry.objects.filter(action="enterprise.update", object_id=steel.uscc).exists()


@pytest.mark.req("S1")
def test_it_shows_field_errors_from_validation(registry, shaoguan_official):
    steel = registry["qujiang_steel"]
    url = reverse("registry:enterprise-edit", args=[steel.uscc])
    response = client_for(shaoguan_official).post(
        url, _edit_post(steel, steel.version, latitude="40", town="999999999")
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "latitude" in form.errors and "town" in form.errors
    steel.refresh_from_db()
    assert steel.version == 1


@pytest.mark.req("P1")
def test_it_refuses_to_move_an_enterprise_to_a_county_outside_the_users_city(
    registry, shaoguan_official
):
    steel = registry["qujiang_steel"]
    response = client_for(shaoguan_official).post(
        reverse("registry:enterprise-edit", args=[steel.uscc]),
        _edit_post(steel, steel.version, county="440118"),
    )
    assert response.status_code == 400
    assert "county" in response.context["form"].errors
    assert Enterprise.objects.get(pk=steel.pk).county.code == "440205"


@pytest.mark.req("S1")
def test_it_keeps_the_first_edit_when_two_officials_edit_at_once(
    registry, shaoguan_official, qujiang_handler
):
    steel = registry["qujiang_steel"]
    url = reverse("registry:enterprise-edit", args=[steel.uscc])
    first, second = client_for(shaoguan_official), client_for(qujiang_handler)
    # Both open the form and see version 1.
    version_1 = first.get(url).context["form"].initial["version"]
    version_2 = second.get(url).context["form"].initial["version"]
    assert version_1 == version_2 == 1
    assert (
        first.post(url, _edit_post(steel, version_1, name="曲江钢铁集团有限公司")).status_code
        == 302
    )
    response = second.post(url, _edit_post(steel, version_2, name="曲江特钢有限公司"))
    assert response.status_code == 400
    assert (
        "changed by someone else" in str(response.context["form"].non_field_errors())
        or "其他人" in response.content.decode()
    )
    steel.refresh_from_db()
    assert steel.name == "曲江钢铁集团有限公司" and steel.version == 2


@pytest.mark.req("S1")
def test_it_changes_a_line_status_with_history_and_audit(registry, qujiang_handler):
    line = registry["steel_if"]
    url = reverse("registry:line-status", args=[line.pk])
    response = client_for(qujiang_handler).post(
        url, {"status": "sealed", "note": "韶工信〔2024〕12号", "version": line.version}
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == "sealed"
    change = LineStatusChange.objects.filter(line=line).first()
    assert (change.old_status, change.new_status, change.note) == (
        "operating",
        "sealed",
        "韶工信〔2024〕12号",
    )
    entry = AuditEntry.objects.get(action="line.status", object_id=str(line.pk))
    assert entry.actor == qujiang_handler and entry.after == {"status": "sealed"}
    html = (
        client_for(qujiang_handler)
        .get(reverse("registry:line-detail", args=[line.pk]))
        .content.decode()
    )
    assert "韶工信〔2024〕12号" in html


@pytest.mark.req("S1")
def test_it_requires_a_reason_for_a_status_change(registry, qujiang_handler):
    line = registry["steel_bf"]
    response = client_for(qujiang_handler).post(
        reverse("registry:line-status", args=[line.pk]),
        {"status": "sealed", "note": "", "version": line.version},
    )
    assert response.status_code == 400
    assert "note" in response.context["form"].errors
    line.refresh_from_db()
    assert line.status == "operating"


@pytest.mark.req("S1")
def test_it_refuses_a_stale_status_change(registry, qujiang_handler):
    line = registry["steel_bf"]
    client = client_for(qujiang_handler)
    url = reverse("registry:line-status", args=[line.pk])
    assert (
        client.post(url, {"status": "rectifying", "note": "整改通知", "version": 1}).status_code
        == 302
    )
    response = client.post(url, {"status": "sealed", "note": "查封", "version": 1})
    assert response.status_code == 400
    line.refresh_from_db()
    assert line.status == "rectifying"


@pytest.mark.req("P1")
def test_it_refuses_status_changes_outside_scope_or_without_permission(
    registry, guangzhou_viewer, qujiang_handler, enterprise_user
):
    steel_line, glass_line = registry["steel_bf"], registry["glass_float"]
    post = {"status": "sealed", "note": "x", "version": 1}
    # Qujiang may change lines but not Guangzhou's: 404, as if it did not exist.
    assert (
        client_for(qujiang_handler)
        .post(reverse("registry:line-status", args=[glass_line.pk]), post)
        .status_code
        == 404
    )
    # A viewer and an enterprise account hold no change permission: 403.
    assert (
        client_for(guangzhou_viewer)
        .post(reverse("registry:line-status", args=[glass_line.pk]), post)
        .status_code
        == 403
    )
    assert (
        client_for(enterprise_user)
        .post(reverse("registry:line-status", args=[steel_line.pk]), post)
        .status_code
        == 403
    )
    assert not LineStatusChange.objects.filter(new_status="sealed").exists()


@pytest.mark.req("P1")
def test_it_shows_an_enterprise_account_its_own_archive_but_no_edit(registry, enterprise_user):
    client = client_for(enterprise_user)
    steel, cement = registry["qujiang_steel"], registry["wengyuan_cement"]
    response = client.get(reverse("registry:enterprise-detail", args=[steel.uscc]))
    assert response.status_code == 200
    assert 'id="edit-link"' not in response.content.decode()
    assert client.get(reverse("registry:enterprise-detail", args=[cement.uscc])).status_code == 404
    assert client.get(reverse("registry:enterprise-edit", args=[steel.uscc])).status_code == 403
