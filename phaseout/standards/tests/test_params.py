"""The parameter loader (standards/params.py): law as dated, cited data. A bad file is refused
with a message that names the file, the key and the fix; values are read as in force on a
date; what-if values never touch the base set; the digest pins exactly the values used."""

import datetime as dt
import re
import textwrap

import pytest

from phaseout.standards.params import PARAMS_DIR, ParameterError, load_parameters

pytestmark = pytest.mark.req("G2")

GOOD = """\
    description: 测试限值
    unit: kgce/t
    values:
      2020-01-01: {value: 100, basis: "GB 0000-2019 表1", status: confirmed}
      2023-01-01: {value: 90, basis: "GB 0000-2022 表1", status: provisional}
    """


def write(root, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def refusal(tmp_path, text: str) -> str:
    write(tmp_path, "steel/limit.yaml", text)
    with pytest.raises(ParameterError) as caught:
        load_parameters(tmp_path)
    return str(caught.value)


# --- refusals -----------------------------------------------------------------------------

def test_it_refuses_a_value_without_basis(tmp_path):
    message = refusal(tmp_path, """\
        description: 测试限值
        unit: kgce/t
        values:
          2020-01-01: {value: 100, status: confirmed}
        """)
    assert "steel/limit.yaml" in message
    assert "values.2020-01-01" in message
    assert "Add `basis:`" in message


def test_it_refuses_a_blank_basis(tmp_path):
    message = refusal(tmp_path, """\
        description: 测试限值
        unit: kgce/t
        values:
          2020-01-01: {value: 100, basis: "  ", status: confirmed}
        """)
    assert "no citation" in message and "values.2020-01-01" in message


def test_it_refuses_dates_out_of_order(tmp_path):
    message = refusal(tmp_path, """\
        description: 测试限值
        unit: kgce/t
        values:
          2023-01-01: {value: 90, basis: "GB 0000-2022", status: confirmed}
          2020-01-01: {value: 100, basis: "GB 0000-2019", status: confirmed}
        """)
    assert "steel/limit.yaml" in message
    assert "values.2020-01-01" in message
    assert "out of order" in message and "oldest first" in message


def test_it_refuses_an_unknown_unit(tmp_path):
    message = refusal(tmp_path, GOOD.replace("unit: kgce/t", "unit: kgce/tonne"))
    assert "steel/limit.yaml" in message
    assert "'kgce/tonne'" in message
    assert "UNITS in standards/params.py" in message


def test_it_refuses_a_bad_status(tmp_path):
    message = refusal(tmp_path, GOOD.replace("status: provisional", "status: draft"))
    assert "steel/limit.yaml" in message
    assert "values.2023-01-01" in message
    assert "confirmed or provisional" in message and "'draft'" in message


def test_it_refuses_a_missing_status(tmp_path):
    message = refusal(tmp_path, GOOD.replace(", status: provisional", ""))
    assert "values.2023-01-01" in message and "confirmed or provisional" in message


def test_it_refuses_a_key_that_is_not_a_date(tmp_path):
    message = refusal(tmp_path, GOOD.replace("2023-01-01:", "from 2023:"))
    assert "steel/limit.yaml" in message
    assert "values.from 2023" in message
    assert "must be a date written YYYY-MM-DD" in message


def test_it_refuses_an_impossible_date(tmp_path):
    message = refusal(tmp_path, GOOD.replace("2023-01-01:", "2023-02-30:"))
    assert "steel/limit.yaml" in message and "impossible date" in message


def test_it_refuses_invalid_yaml(tmp_path):
    message = refusal(tmp_path, """\
        description: 测试限值
        unit: kgce/t
        values:
          2020-01-01: {value: 100, basis: "GB 0000-2019", status: confirmed
        """)
    assert "steel/limit.yaml" in message and "not valid YAML" in message


@pytest.mark.parametrize("key", ["description", "unit", "values"])
def test_it_refuses_a_file_missing_a_top_level_key(tmp_path, key):
    lines = [line for line in textwrap.dedent(GOOD).splitlines()
             if not line.startswith(f"{key}:")]
    if key == "values":
        lines = [line for line in lines if not line.startswith("  ")]
    message = refusal(tmp_path, "\n".join(lines) + "\n")
    assert "steel/limit.yaml" in message and f"missing `{key}`" in message


def test_it_refuses_an_entry_without_value(tmp_path):
    message = refusal(tmp_path, GOOD.replace("value: 90, ", ""))
    assert "values.2023-01-01" in message and "{value: …, basis: …, status: …}" in message


# --- reading values on a date -------------------------------------------------------------

def test_it_reads_the_newest_value_not_after_the_date(tmp_path):
    write(tmp_path, "steel/limit.yaml", GOOD)
    params = load_parameters(tmp_path)
    assert params.at("steel.limit", dt.date(2019, 12, 31)) is None  # before the first value
    assert params.at("steel.limit", dt.date(2020, 1, 1)) == 100
    assert params.at("steel.limit", dt.date(2022, 12, 31)) == 100
    assert params.at("steel.limit", dt.date(2023, 1, 1)) == 90


def test_a_null_value_ends_the_parameter(tmp_path):
    write(tmp_path, "steel/limit.yaml", GOOD + (
        '  2025-01-01: {value: null, basis: "GB 0000-2022 废止", status: confirmed}\n'))
    params = load_parameters(tmp_path)
    assert params.at("steel.limit", dt.date(2024, 12, 31)) == 90
    assert params.at("steel.limit", dt.date(2025, 1, 1)) is None
    assert params.ref("steel.limit", dt.date(2025, 1, 1)) is None


def test_it_names_the_file_an_unknown_parameter_would_live_in(tmp_path):
    write(tmp_path, "steel/limit.yaml", GOOD)
    with pytest.raises(ParameterError, match=re.escape("params/steel/lmit.yaml")):
        load_parameters(tmp_path).at("steel.lmit", dt.date(2023, 1, 1))


def test_the_blast_furnace_limit_cites_the_2024_edition_from_1_february_2024():
    params = load_parameters()
    before = params.ref("catalogue.blast_furnace_max_size", dt.date(2024, 1, 31))
    after = params.ref("catalogue.blast_furnace_max_size", dt.date(2024, 2, 1))
    # The size is the same in both editions; the citation is what changes.
    assert before.value == after.value == 400
    assert "2019年本" in before.basis and before.start == dt.date(2020, 1, 1)
    assert "2024年本" in after.basis and after.start == dt.date(2024, 2, 1)


def test_every_shipped_parameter_file_loads():
    params = load_parameters(PARAMS_DIR)
    assert "catalogue.blast_furnace_max_size" in params.parameters
    for parameter in params.parameters.values():
        starts = [v.start for v in parameter.values]
        assert starts == sorted(set(starts)), parameter.path
        assert all(v.basis.strip() for v in parameter.values), parameter.path


# --- what-if values -----------------------------------------------------------------------

def test_what_if_adds_dated_values_without_touching_the_base_set(tmp_path):
    write(tmp_path, "steel/limit.yaml", GOOD)
    base = load_parameters(tmp_path)
    what_if = base.with_overrides(
        {"steel.limit": [{"start": "2024-07-01", "value": 80, "basis": "模拟：收紧限值"}]})
    assert what_if.at("steel.limit", dt.date(2024, 6, 30)) == 90
    assert what_if.at("steel.limit", dt.date(2024, 7, 1)) == 80
    ref = what_if.ref("steel.limit", dt.date(2024, 7, 1))
    assert ref.basis == "模拟：收紧限值" and ref.status == "provisional"
    # The base set still holds the law as it is.
    assert base.at("steel.limit", dt.date(2024, 7, 1)) == 90
    assert len(base.parameters["steel.limit"].values) == 2
    assert what_if.digest != base.digest
    assert base.overrides == {} and "steel.limit" in what_if.overrides


def test_what_if_on_an_existing_date_replaces_that_value_only_in_the_copy(tmp_path):
    write(tmp_path, "steel/limit.yaml", GOOD)
    base = load_parameters(tmp_path)
    what_if = base.with_overrides({"steel.limit": [{"start": dt.date(2023, 1, 1), "value": 85}]})
    assert what_if.at("steel.limit", dt.date(2023, 1, 1)) == 85
    assert base.at("steel.limit", dt.date(2023, 1, 1)) == 90


def test_what_if_refuses_an_unknown_parameter_or_a_value_without_start(tmp_path):
    write(tmp_path, "steel/limit.yaml", GOOD)
    base = load_parameters(tmp_path)
    with pytest.raises(ParameterError, match="unknown parameter 'steel.lmit'"):
        base.with_overrides({"steel.lmit": [{"start": "2024-01-01", "value": 1}]})
    with pytest.raises(ParameterError, match="start: YYYY-MM-DD"):
        base.with_overrides({"steel.limit": [{"value": 1}]})


# --- digest -------------------------------------------------------------------------------

def test_the_digest_is_stable_when_nothing_changes(tmp_path):
    write(tmp_path, "steel/limit.yaml", GOOD)
    write(tmp_path, "cement/limit.yaml", GOOD)
    assert load_parameters(tmp_path).digest == load_parameters(tmp_path).digest


@pytest.mark.parametrize(("old", "new"), [
    ("value: 90", "value: 91"),  # a value
    ('"GB 0000-2022 表1"', '"GB 0000-2022 表2"'),  # a citation
    ("status: provisional", "status: confirmed"),  # a status
    ("2023-01-01", "2023-01-02"),  # a date
    ("unit: kgce/t", "unit: kWh/t"),  # a unit
])
def test_the_digest_changes_when_the_law_changes(tmp_path, old, new):
    write(tmp_path, "steel/limit.yaml", GOOD)
    before = load_parameters(tmp_path).digest
    write(tmp_path, "steel/limit.yaml", GOOD.replace(old, new))
    assert load_parameters(tmp_path).digest != before
