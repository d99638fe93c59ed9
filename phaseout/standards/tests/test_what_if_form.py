"""The what-if page through its form: a proposal made in the rows (no YAML typed by hand),
bounded input, and a YAML alias bomb refused at once."""

import datetime as dt
import re

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse

from phaseout.standards import services

ON = dt.date(2023, 12, 31)
URL = reverse("standards:what-if")


@pytest.fixture
def client(registry, province_official):
    services.assessment_run(year=2023, as_of=ON, actor=None)
    client = Client(enforce_csrf_checks=True)
    client.force_login(province_official)
    return client


def _form(client) -> dict:
    """What a browser submits from the rendered form, untouched (csrf token included)."""
    page = lxml.html.fromstring(client.get(URL).content.decode())
    form = page.get_element_by_id("what-if-form")
    return dict(form.form_values())


@pytest.mark.req("G2")
def test_it_takes_a_proposal_from_the_rows_of_the_form(client):
    data = _form(client)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["as_of"])  # ISO, as type=date needs
    data.update({"year": "2023", "as_of": "2023-12-31",
                 "param_1": "catalogue.blast_furnace_max_size", "value_1": "300",
                 "start_1": "2023-01-01", "basis_1": "征求意见稿", "format": "html"})
    response = client.post(URL, data)
    assert response.status_code == 200, response.context["form"].errors
    assert response.context["result"].by_rule["eliminated.steel.blast_furnace"] == (0, 1)
    assert "高炉" in response.content.decode()  # the rule by its label


@pytest.mark.req("G2")
def test_it_asks_for_a_value_when_a_row_names_only_a_parameter(client):
    data = {**_form(client), "param_1": "catalogue.blast_furnace_max_size"}
    response = client.post(URL, data)
    assert response.status_code == 400
    assert response.context["form"].errors["value_1"]


@pytest.mark.req("G2")
def test_it_refuses_a_yaml_alias_bomb_at_once(client):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True))
    response = client.post(URL, {**_form(client), "overrides": bomb})
    assert response.status_code == 400
    assert "aliases" in " ".join(response.context["form"].errors["overrides"])


@pytest.mark.req("G2")
def test_it_refuses_a_proposal_longer_than_the_bound(client):
    response = client.post(URL, {**_form(client), "overrides": "x" * 20_001})
    assert response.status_code == 400
    assert response.context["form"].errors["overrides"]
