"""The document pages: issuing from the case page, the list, and downloads that only
officials in the case's region (and the enterprise itself) can open.

People (besides conftest's):
- energy_handler: Shaoguan's energy office, handler.
- guangzhou_energy: Guangzhou's energy office, handler: must not reach Shaoguan's files.
"""

import pytest
import time_machine
from django.urls import reverse

from phaseout.cases import services as cases
from phaseout.documents.models import OfficialDocument


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def energy_handler(db):
    from conftest import _user

    return _user("energy-handler", role="handler", division_code="440200", department="energy")


@pytest.fixture
def guangzhou_energy(db):
    from conftest import _user

    return _user("guangzhou-energy", role="handler", division_code="440100",
                 department="energy")


@pytest.fixture
def kiln_case(registry):
    with time_machine.travel("2025-03-03 10:00 +08:00", tick=False):
        case, _ = cases.case_open(line=registry["cement_kiln"], path="energy", source="assessment",
                                  actor=None, rule_ids=["energy.cement.clinker_power"])
    return case


@pytest.mark.req("E5")
@pytest.mark.django_db
def test_it_issues_from_the_page_and_scopes_downloads(client, kiln_case, energy_handler,
                                                      guangzhou_energy):
    page = reverse("documents:case-documents", args=[kiln_case.pk])
    client.force_login(energy_handler)
    assert 'value="rectification_notice"' in client.get(page).content.decode()  # offered
    response = client.post(reverse("documents:issue", args=[kiln_case.pk]),
                           {"kind": "rectification_notice", "next": page})
    assert response.status_code == 302 and response["Location"] == page
    document = OfficialDocument.objects.get()
    assert document.number in client.get(page).content.decode()
    for fmt, magic in (("pdf", b"%PDF"), ("docx", b"PK")):
        response = client.get(reverse("documents:download", args=[document.pk, fmt]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(magic)
        assert response["Content-Disposition"].startswith("attachment")

    # Another region's official gets 404 for the files, the list and the issue form.
    client.force_login(guangzhou_energy)
    assert client.get(reverse("documents:download", args=[document.pk, "pdf"])).status_code == 404
    assert client.get(page).status_code == 404
    assert client.post(reverse("documents:issue", args=[kiln_case.pk]),
                       {"kind": "rectification_notice"}).status_code == 404
    assert OfficialDocument.objects.count() == 1

    # Never public: an anonymous visitor is sent to sign in.
    client.logout()
    response = client.get(reverse("documents:download", args=[document.pk, "docx"]))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.req("E5")
@pytest.mark.django_db
def test_it_explains_a_refusal_on_the_page(client, kiln_case, energy_handler):
    client.force_login(energy_handler)
    response = client.post(reverse("documents:issue", args=[kiln_case.pk]),
                           {"kind": "closure_decision"}, follow=True)
    assert response.status_code == 200
    # The message names the case, by its number in the official form (ENERGY-2025-000001
    # before the issue "What officials touch, proven").
    assert "韶能源案〔2025〕1号" in response.content.decode()
    assert not OfficialDocument.objects.exists()
