"""Region scope (the one scope, accounts.scope): who sees which enterprises and lines, for
each of the named people in conftest."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from phaseout.accounts.scope import visible_divisions
from phaseout.accounts.services import user_create
from phaseout.reference.models import Department
from phaseout.registry.access import (
    can_write,
    get_enterprise_for,
    get_line_for,
    visible_enterprises,
    visible_lines,
)

ALL_ENTERPRISES = {"qujiang_steel", "wengyuan_cement", "zengcheng_glass"}
ALL_LINES = {"steel_bf", "steel_if", "cement_kiln", "glass_float"}

SCOPES = [
    # person, enterprises, lines
    ("province_official", ALL_ENTERPRISES, ALL_LINES),
    (
        "shaoguan_official",
        {"qujiang_steel", "wengyuan_cement"},
        {"steel_bf", "steel_if", "cement_kiln"},
    ),
    ("qujiang_handler", {"qujiang_steel"}, {"steel_bf", "steel_if"}),
    ("guangzhou_viewer", {"zengcheng_glass"}, {"glass_float"}),
    ("enterprise_user", {"qujiang_steel"}, {"steel_bf", "steel_if"}),
    ("anonymous", set(), set()),
    ("no_division", set(), set()),
]


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def no_division(db):
    """An industry-department account nobody has yet placed at a division."""
    return user_create(
        username="unplaced",
        password="demo-password-1",
        role="coordinator",
        actor=None,
        department=Department.objects.get(code="industry"),
    )


def _keys(registry, objects) -> set[str]:
    by_pk = {(type(obj), obj.pk): key for key, obj in registry.items()}
    return {by_pk[(type(obj), obj.pk)] for obj in objects}


@pytest.mark.req("P1")
@pytest.mark.parametrize(("person", "enterprises", "lines"), SCOPES)
def test_it_shows_each_person_only_their_region(request, registry, person, enterprises, lines):
    user = request.getfixturevalue(person)
    assert _keys(registry, visible_enterprises(user)) == enterprises
    assert _keys(registry, visible_lines(user)) == lines


@pytest.mark.req("P1")
@pytest.mark.parametrize(("person", "enterprises", "lines"), SCOPES)
def test_it_fetches_one_record_only_inside_the_region(
    request, registry, person, enterprises, lines
):
    user = request.getfixturevalue(person)
    for key in ALL_ENTERPRISES:
        uscc = registry[key].uscc
        if key in enterprises:
            assert get_enterprise_for(user, uscc).pk == registry[key].pk
        else:
            with pytest.raises(Http404):
                get_enterprise_for(user, uscc)
    for key in ALL_LINES:
        pk = registry[key].pk
        if key in lines:
            assert get_line_for(user, pk).pk == pk
        else:
            with pytest.raises(Http404):
                get_line_for(user, pk)


@pytest.mark.req("P1", "S1")
def test_it_lets_an_enterprise_account_read_but_never_write_its_archive(registry, enterprise_user):
    steel, bf = registry["qujiang_steel"], registry["steel_bf"]
    assert not can_write(enterprise_user)
    assert get_enterprise_for(enterprise_user, steel.uscc) == steel
    with pytest.raises(Http404):
        get_enterprise_for(enterprise_user, steel.uscc, write=True)
    with pytest.raises(Http404):
        get_line_for(enterprise_user, bf.pk, write=True)


@pytest.mark.req("P1")
def test_it_lets_officials_write_inside_their_region(registry, qujiang_handler):
    steel = registry["qujiang_steel"]
    assert can_write(qujiang_handler)
    assert get_enterprise_for(qujiang_handler, steel.uscc, write=True) == steel
    assert get_line_for(qujiang_handler, registry["steel_if"].pk, write=True).line_code == "IF1"
    with pytest.raises(Http404):
        get_enterprise_for(qujiang_handler, registry["wengyuan_cement"].uscc, write=True)


@pytest.mark.req("P1")
def test_it_answers_404_for_a_code_that_does_not_exist(registry, province_official):
    with pytest.raises(Http404):
        get_enterprise_for(province_official, "914403001922038216")
    with pytest.raises(Http404):
        get_line_for(province_official, 10**9)


@pytest.mark.req("P1")
def test_it_offers_each_official_the_divisions_of_their_region(
    province_official, shaoguan_official, qujiang_handler, enterprise_user, anonymous
):
    shaoguan = visible_divisions(shaoguan_official)
    assert shaoguan.filter(code="440205", level="county").exists()
    assert not shaoguan.filter(code="440118").exists()
    qujiang = visible_divisions(qujiang_handler)
    assert set(qujiang.exclude(level="town").values_list("code", flat=True)) == {"440205"}
    assert qujiang.filter(level="town").exists()
    assert visible_divisions(province_official).filter(code="440118").exists()
    assert not visible_divisions(enterprise_user).exists()
    assert not visible_divisions(anonymous).exists()


@pytest.mark.req("P1")
def test_it_follows_an_enterprise_that_moves_county(registry, shaoguan_official, qujiang_handler):
    """Lines carry their enterprise's county, so a move must carry the lines along."""
    from phaseout.registry.services import enterprise_update
    from phaseout.registry.validation import Lookups, clean_enterprise

    steel = registry["qujiang_steel"]
    data, errors = clean_enterprise(
        {
            "uscc": steel.uscc,
            "name": steel.name,
            "county_code": "440229",
            "legal_representative": "张三",
            "industry": "steel",
        },
        Lookups.load(),
    )
    assert not errors
    enterprise_update(enterprise=steel, data=data, expected_version=1, actor=shaoguan_official)
    assert not visible_enterprises(qujiang_handler).exists()
    assert not visible_lines(qujiang_handler).exists()
    assert visible_lines(shaoguan_official).filter(enterprise=steel).count() == 2
