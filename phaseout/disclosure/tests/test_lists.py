"""Yellow and red lists (P4): derived from case states, published as immutable snapshots
with a hash, withdrawn by a new entry, and shown to the public while in force.

The scene, in Shaoguan: the Wengyuan cement kiln rectifies its energy use (yellow, energy);
the Qujiang blast furnace was restricted, failed its re-check and was ordered closed (red,
environment). In Guangzhou, the Zengcheng float line is restricted (yellow, environment),
and the Qujiang induction furnace is an eliminated-equipment exit (on neither list).
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from conftest import _user, division
from phaseout.audit.models import AuditEntry
from phaseout.cases.models import Case, Evidence
from phaseout.cases.services import case_open, case_transition
from phaseout.cases.tests.factories import exit_proven
from phaseout.cases.workflow import State
from phaseout.disclosure import selectors
from phaseout.disclosure.models import ListSnapshot
from phaseout.disclosure.selectors import classify, list_draft
from phaseout.disclosure.services import DisclosureError, list_publish, list_withdraw
from phaseout.lib.quantities import raw_codes
from phaseout.reference.models import Department


def _walk(case, *states):
    """Take each step as the system would, with what every step can need (the exit's records
    built as data)."""
    for to in states:
        evidence = Evidence.objects.create(
            case=case, file=SimpleUploadedFile("photo.pdf", b"%PDF-1.4"), description="现场照片",
            taken_on=dt.date(2025, 3, 1))
        exit_proven(case, to)
        case = case_transition(case=case, to=to, actor=None, evidence=[evidence],
                               signatures=["甲", "乙"], pledge=True, application="申请")
    return case


@pytest.fixture
def scene(registry, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel("2025-03-03 10:00 +08:00", tick=False):
        kiln, _ = case_open(line=registry["cement_kiln"], path="energy", source="inspection",
                            actor=None)
        furnace, _ = case_open(line=registry["steel_bf"], path="environment",
                               source="inspection", actor=None)
        glass, _ = case_open(line=registry["glass_float"], path="environment",
                             source="inspection", actor=None)
        exit_case, _ = case_open(line=registry["steel_if"], path="eliminated",
                                 source="inspection", actor=None)
    with time_machine.travel("2025-04-01 10:00 +08:00", tick=False):
        furnace = _walk(furnace, "recheck", "closure_proposed", "closure_ordered")
    return {"kiln": kiln, "furnace": furnace, "glass": glass, "exit": exit_case,
            "energy": Department.objects.get(code="energy"),
            "environment": Department.objects.get(code="ecology-environment"),
            "shaoguan": division("440200"), "guangzhou": division("440100")}


@pytest.mark.req("P4")
@pytest.mark.parametrize("state, visited, expected", [
    ("rectifying", set(), "yellow"),  # must rectify within the deadline
    ("extended", set(), "yellow"),  # the one extension of energy rectification
    ("restricted", set(), "yellow"),  # environment: production restricted
    ("suspended", set(), "yellow"),  # safety or environment: suspended for rectification
    ("recheck", set(), "yellow"),  # rectified, waiting for the re-check
    ("closure_proposed", set(), "red"),  # on the red draft only (publishing leaves it out)
    ("closure_ordered", set(), "red"),  # closed according to law
    ("certificates_revoked", set(), "red"),  # safety: certificates revoked
    ("business_licence_revoked", set(), "red"),  # quality: business licence revoked
    ("dismantled", {"closure_ordered"}, "red"),  # exit after a closure order stays red
    ("sealed", {"government_asked_to_close"}, "red"),
    ("dismantled", {"exit_ordered"}, None),  # eliminated equipment: an exit, not a sanction
    ("closed_compliant", {"recheck"}, None),  # rectified: off the lists
    ("transferred_to_police", set(), None),
])
def test_it_derives_the_list_from_the_state(state, visited, expected):
    assert classify(state, visited) == expected


@pytest.mark.req("P4")
def test_it_names_only_states_of_the_workflow():
    known = set(State.values)
    listed = (selectors.YELLOW_STATES | selectors.RED_STATES | selectors.CLOSURE_ORDERS
              | selectors.EXIT_STATES | {selectors.PENDING_RED})
    assert listed <= known


@pytest.mark.req("P4")
@pytest.mark.django_db
def test_it_drafts_yellow_and_red_lists_per_department_and_city(scene, registry):
    on = dt.date(2025, 4, 2)
    yellow = list_draft(kind="yellow", department=scene["energy"], city=scene["shaoguan"],
                        as_of=on)
    assert [(r.enterprise_name, r.line_code, r.state) for r in yellow] == [
        ("翁源水泥有限公司", "K1", "rectifying")]
    row = yellow[0]
    assert row.uscc == registry["wengyuan_cement"].uscc and row.capacity == 77.5
    assert row.case_number == scene["kiln"].number and row.deadline == "2025-09-03"
    red = list_draft(kind="red", department=scene["environment"], city=scene["shaoguan"],
                     as_of=on)
    assert [(r.line_code, r.state) for r in red] == [("BF1", "closure_ordered")]
    assert red[0].deadline  # the dismantling deadline set by the closure order
    # Guangzhou's restricted float line is on Guangzhou's list, not on Shaoguan's.
    assert list_draft(kind="yellow", department=scene["environment"], city=scene["shaoguan"],
                      as_of=on) == []
    assert [r.line_code for r in list_draft(kind="yellow", department=scene["environment"],
                                            city=scene["guangzhou"], as_of=on)] == ["F1"]
    # The province-wide list has both environment cases, each on its own list.
    assert len(list_draft(kind="yellow", department=scene["environment"], as_of=on)) == 1
    # The eliminated induction furnace is on no list of any department.
    industry = Department.objects.get(code="industry")
    assert list_draft(kind="red", department=industry, as_of=on) == []


@pytest.mark.req("P4")
@pytest.mark.django_db
def test_it_drafts_the_list_as_the_states_stood_on_a_past_day(scene):
    # On 10 March the blast furnace was still restricted: yellow, not red.
    before = dt.date(2025, 3, 10)
    assert [r.line_code for r in list_draft(kind="yellow", department=scene["environment"],
                                            city=scene["shaoguan"], as_of=before)] == ["BF1"]
    assert list_draft(kind="red", department=scene["environment"], city=scene["shaoguan"],
                      as_of=before) == []


@pytest.mark.req("P4")
@pytest.mark.django_db
def test_it_keeps_a_line_red_through_its_exit_and_shows_proposed_closures_on_the_draft(scene):
    with time_machine.travel("2025-05-06 10:00 +08:00", tick=False):
        _walk(scene["furnace"], "dismantled")
        _walk(scene["glass"], "recheck", "closure_proposed")
    on = dt.date(2025, 5, 6)
    red = list_draft(kind="red", department=scene["environment"], as_of=on)
    assert sorted((r.line_code, r.state, r.pending) for r in red) == [
        ("BF1", "dismantled", False), ("F1", "closure_proposed", True)]
    with time_machine.travel("2025-05-06 11:00 +08:00", tick=False):
        snapshot = list_publish(kind="red", department=scene["environment"], city=None,
                                actor=None)
    # A proposal is not yet a decision: it is not published.
    assert [r["line_code"] for r in snapshot.rows] == ["BF1"]


@pytest.mark.req("P4")
@pytest.mark.django_db
def test_it_publishes_a_snapshot_with_a_stable_hash(scene, shaoguan_official):
    with time_machine.travel("2025-04-02 10:00 +08:00", tick=False):
        first = list_publish(kind="yellow", department=scene["energy"], city=scene["shaoguan"],
                             actor=shaoguan_official)
    with time_machine.travel("2025-04-03 10:00 +08:00", tick=False):
        second = list_publish(kind="yellow", department=scene["energy"],
                              city=scene["shaoguan"], actor=shaoguan_official)
    canonical = json.dumps(first.rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert first.content_hash == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    # Same content on another day: the same hash, in a new entry.
    assert second.pk != first.pk and second.content_hash == first.content_hash
    with translation.override("zh-hans"):
        assert first.rows[0]["state_label"] == str(State.RECTIFYING.label)
    assert first.published_by == shaoguan_official and first.row_count == 1
    assert AuditEntry.objects.filter(action="list.publish", object_id=str(first.pk)).count() == 1


@pytest.mark.req("P4")
@pytest.mark.django_db
def test_it_refuses_to_change_or_delete_a_snapshot(scene):
    snapshot = list_publish(kind="yellow", department=scene["energy"], city=scene["shaoguan"],
                            actor=None)
    snapshot.rows = []
    with pytest.raises(PermissionError):
        snapshot.save()
    with pytest.raises(PermissionError):
        snapshot.delete()
    with pytest.raises(PermissionError):
        ListSnapshot.objects.filter(pk=snapshot.pk).update(rows=[])
    with pytest.raises(PermissionError):
        ListSnapshot.objects.filter(pk=snapshot.pk).delete()
    snapshot.refresh_from_db()
    assert snapshot.row_count == 1 and len(snapshot.rows) == 1


@pytest.mark.req("P4")
@pytest.mark.django_db
def test_it_withdraws_by_a_new_entry_and_the_public_page_drops_the_list(scene, client):
    red = list_publish(kind="red", department=scene["environment"], city=scene["shaoguan"],
                       actor=None)
    yellow = list_publish(kind="yellow", department=scene["energy"], city=scene["shaoguan"],
                          actor=None)
    page = client.get(reverse("disclosure:public-lists"), {"city": "440200"})
    assert page.status_code == 200
    assert scene["furnace"].number in page.content.decode()
    entry = list_withdraw(snapshot=red, reason="案件信息有误，更正后重新公布", actor=None)
    assert entry.pk != red.pk and entry.withdrawn_of == red and entry.rows == []
    red.refresh_from_db()
    assert red.row_count == 1 and red.withdrawn_of is None  # the publication is unchanged
    body = client.get(reverse("disclosure:public-lists"), {"city": "440200"}).content.decode()
    assert scene["furnace"].number not in body
    assert scene["kiln"].number in body and yellow.content_hash in body
    with pytest.raises(DisclosureError):
        list_withdraw(snapshot=red, reason="again", actor=None)
    with pytest.raises(DisclosureError):
        list_withdraw(snapshot=entry, reason="a withdrawal of a withdrawal", actor=None)
    with pytest.raises(DisclosureError):
        list_withdraw(snapshot=yellow, reason="  ", actor=None)
    assert AuditEntry.objects.filter(action="list.withdraw", object_id=str(entry.pk)).exists()


@pytest.mark.req("P4")
@pytest.mark.django_db
def test_it_lets_a_shaoguan_official_publish_shaoguan_lists_only(scene, client,
                                                                 shaoguan_official):
    client.force_login(shaoguan_official)
    draft = client.get(reverse("disclosure:list-draft"),
                       {"kind": "yellow", "department": "energy", "city": "440200"})
    assert draft.status_code == 200 and scene["kiln"].number in draft.content.decode()
    assert client.get(reverse("disclosure:list-draft"),
                      {"kind": "yellow", "department": "energy", "city": "440100"}
                      ).status_code == 404
    # Publishing asks for the confirmation on the form (the issue "What officials touch,
    # proven"); the form as the page renders it is posted in test_it_publishes_only_once_confirmed.
    published = client.post(reverse("disclosure:list-publish"),
                            {"kind": "yellow", "department": "energy", "city": "440200",
                             "confirm": "on"})
    snapshot = ListSnapshot.objects.get()
    assert published.status_code == 302
    assert published["Location"] == reverse("disclosure:snapshot-detail", args=[snapshot.pk])
    assert (snapshot.city, snapshot.department) == (scene["shaoguan"], scene["energy"])
    for city in ("440100", ""):  # another city, or the whole province
        refused = client.post(reverse("disclosure:list-publish"),
                              {"kind": "yellow", "department": "energy", "city": city,
                               "confirm": "on"})
        assert refused.status_code == 404
    assert ListSnapshot.objects.count() == 1
    detail = client.get(reverse("disclosure:snapshot-detail", args=[snapshot.pk]))
    assert snapshot.content_hash in detail.content.decode()
    withdrawn = client.post(reverse("disclosure:snapshot-withdraw", args=[snapshot.pk]),
                            {"reason": "数据更正"})
    assert withdrawn.status_code == 302 and ListSnapshot.objects.count() == 2


@pytest.mark.req("P4")
@pytest.mark.django_db
def test_it_keeps_other_places_and_roles_away(scene, client, guangzhou_viewer,
                                              qujiang_handler, province_official):
    guangzhou_snapshot = list_publish(kind="yellow", department=scene["environment"],
                                      city=scene["guangzhou"], actor=province_official)
    shaoguan_env = _user("shaoguan-env", role="coordinator", division_code="440200",
                         department="ecology-environment")
    client.force_login(shaoguan_env)
    # Its own department's list, yes; the energy bureau's, no.
    assert client.get(reverse("disclosure:list-draft"),
                      {"kind": "red", "department": "ecology-environment"}).status_code == 200
    assert client.post(reverse("disclosure:list-publish"),
                       {"kind": "yellow", "department": "energy", "city": "440200"}
                       ).status_code == 404
    assert client.get(reverse("disclosure:snapshot-detail", args=[guangzhou_snapshot.pk])
                      ).status_code == 404
    # A viewer may look but not publish; a county handler has no list to publish.
    client.force_login(guangzhou_viewer)
    assert client.get(reverse("disclosure:snapshot-list")).status_code == 200
    assert client.post(reverse("disclosure:list-publish"),
                       {"kind": "yellow", "department": "energy", "city": "440100"}
                       ).status_code == 403
    client.force_login(qujiang_handler)
    assert client.get(reverse("disclosure:list-draft")).status_code == 404
    # The province publishes for any city and for the whole province.
    client.force_login(province_official)
    assert client.post(reverse("disclosure:list-publish"),
                       {"kind": "red", "department": "ecology-environment", "city": "",
                        "confirm": "on"}).status_code == 302
    client.logout()
    assert client.get(reverse("disclosure:public-lists")).status_code == 200
    assert client.get(reverse("disclosure:snapshot-list")).status_code == 302


@dataclass
class PageForm:
    action: str
    fields: dict = field(default_factory=dict)  # what the browser sends as it is rendered
    checkboxes: dict = field(default_factory=dict)  # name: (value, required)


class _Page(HTMLParser):
    """The forms of a page (by id) and the text of its list tables, as a browser reads them."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, PageForm] = {}
        self.tables: list[str] = []
        self._form = None
        self._table = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = self.forms.setdefault(attrs.get("id", ""),
                                               PageForm(attrs.get("action", "")))
        elif tag == "input" and self._form is not None and attrs.get("name"):
            if attrs.get("type") == "checkbox":
                self._form.checkboxes[attrs["name"]] = (attrs.get("value", "on"),
                                                         "required" in attrs)
            else:
                self._form.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "table" and "list-rows" in attrs.get("class", ""):
            self._table = []
        elif tag in ("td", "th") and self._table is not None:
            self._table.append(" ")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "table" and self._table is not None:
            self.tables.append("".join(self._table))
            self._table = None

    def handle_data(self, data):
        if self._table is not None:
            self._table.append(data)


def read_page(response) -> _Page:
    page = _Page()
    page.feed(response.content.decode())
    return page


@pytest.mark.req("P4")
@pytest.mark.django_db
def test_it_publishes_only_once_confirmed_on_the_form(scene, client, shaoguan_official):
    client.force_login(shaoguan_official)
    draft = client.get(reverse("disclosure:list-draft"),
                       {"kind": "yellow", "department": "energy", "city": "440200"})
    assert "我已核对名单，确认发布（发布后不可修改）" in draft.content.decode()
    form = read_page(draft).forms["publish-form"]
    value, required = form.checkboxes["confirm"]
    assert required  # in the page itself, not a JavaScript prompt
    # Sent as rendered, unticked: nothing is published, and the page says why.
    unticked = client.post(form.action, form.fields)
    assert unticked.status_code == 400
    assert 'id="publish-confirm-error"' in unticked.content.decode()
    assert not ListSnapshot.objects.exists()
    assert not AuditEntry.objects.filter(action="list.publish").exists()
    # Ticked: published once.
    ticked = client.post(form.action, {**form.fields, "confirm": value})
    snapshot = ListSnapshot.objects.get()
    assert ticked.status_code == 302
    assert ticked["Location"] == reverse("disclosure:snapshot-detail", args=[snapshot.pk])
    assert (snapshot.kind, snapshot.city, snapshot.department) == (
        "yellow", scene["shaoguan"], scene["energy"])


@pytest.mark.req("P4")
@pytest.mark.django_db
def test_it_prints_figures_and_case_numbers_as_officials_sign_them(scene, client,
                                                                   shaoguan_official):
    # The issue "What officials touch, proven": the lists showed "77.5 10kt/a",
    # "450 10kwb/a" and case numbers like ENERGY-2025-000001.
    with time_machine.travel("2025-04-02 10:00 +08:00", tick=False):
        kiln = list_publish(kind="yellow", department=scene["energy"], city=scene["shaoguan"],
                            actor=None)
        glass = list_publish(kind="yellow", department=scene["environment"],
                             city=scene["guangzhou"], actor=None)
        draft = list_draft(kind="yellow", department=scene["energy"], city=scene["shaoguan"])
    # The snapshot's content carries the figure as published, beside the stored value.
    (row,) = kiln.rows
    assert (row["capacity"], row["capacity_unit"], row["capacity_text"]) == (
        77.5, "10kt/a", "77.5万吨/年")
    assert row["case_number"] == scene["kiln"].number == "韶能源案〔2025〕1号"
    assert glass.rows[0]["capacity_text"] == "450万重量箱/年"
    assert glass.rows[0]["case_number"] == "穗环案〔2025〕1号"
    assert draft[0].capacity_text == "77.5万吨/年"
    assert Case.objects.get(pk=scene["furnace"].pk).number == "韶环案〔2025〕1号"

    client.force_login(shaoguan_official)
    pages = {
        "workbench": client.get(reverse("disclosure:list-draft"),
                                {"kind": "yellow", "department": "energy", "city": "440200"}),
        "snapshot": client.get(reverse("disclosure:snapshot-detail", args=[kiln.pk])),
        "public": client.get(reverse("disclosure:public-lists")),
    }
    for name, response in pages.items():
        tables = read_page(response).tables
        assert tables, name
        text = "\n".join(tables)
        assert "77.5万吨/年" in text and "韶能源案〔2025〕1号" in text, name
        assert raw_codes(text) == [], name
    public = "\n".join(read_page(pages["public"]).tables)
    assert "450万重量箱/年" in public and "穗环案〔2025〕1号" in public
