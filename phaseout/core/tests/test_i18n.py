"""The interface is Chinese by default, English on request, and every message has its
Chinese translation."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def po_entries(path: Path) -> list[dict]:
    """A small .po reader: each entry's flags, msgid and msgstr(s)."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry: dict = {"flags": set(), "obsolete": False}
        key = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := re.match(
                r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$', line
            ):
                key = match.group(1)
                entry[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key is not None:
                entry[key] += ast.literal_eval(line)
        entries.append(entry)
    return entries


def test_it_has_a_chinese_translation_for_every_message():
    entries = [e for e in po_entries(PO) if not e["obsolete"]]
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert len(messages) > 100
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    empty = [
        e["msgid"] for e in messages if not any(v for k, v in e.items() if k.startswith("msgstr"))
    ]
    assert fuzzy == [], fuzzy
    assert empty == [], empty


def test_it_keeps_the_placeholders_in_each_translation():
    placeholder = re.compile(r"%\(\w+\)(?:\.\d+)?[sdf]")
    for entry in po_entries(PO)[1:]:
        translated = entry.get("msgstr") or entry.get("msgstr[0]", "")
        wanted = set(placeholder.findall(entry["msgid"]))
        if "msgid_plural" in entry:
            wanted |= set(placeholder.findall(entry["msgid_plural"]))
        assert set(placeholder.findall(translated)) == wanted, entry["msgid"]


def test_it_translates_the_credit_code_message_into_official_terms():
    by_id = {e["msgid"]: e.get("msgstr", "") for e in po_entries(PO)[1:]}
    assert "统一社会信用代码" in by_id["the credit code of a registered enterprise cannot change"]
    assert by_id["Production lines"] == "生产线"
    assert by_id["Rectifying"] == "整改"


@pytest.mark.django_db
@pytest.mark.req("G1")
def test_it_shows_the_search_in_chinese_then_in_english_after_switching(
    registry, province_official
):
    client = Client()
    client.force_login(province_official)
    html = client.get(reverse("registry:line-list")).content.decode()
    assert "生产线登记查询" in html and "统一社会信用代码" in html
    assert "Production line registry" not in html

    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("registry:line-list")}
    )
    assert response.status_code == 302
    html = client.get(reverse("registry:line-list")).content.decode()
    assert "Production line registry" in html and "Credit code" in html
    assert "生产线登记查询" not in html
    # Industry and equipment names switch to their English names too.
    assert "Blast furnace" in html


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_stays_chinese_for_a_browser_that_prefers_english(client, shaoguan_official):
    client.force_login(shaoguan_official)
    response = client.get(reverse("registry:line-list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "zh-hans"
    assert "生产线" in response.content.decode()


def test_the_compiled_catalogue_holds_every_translation_of_the_po_file():
    """A .po entry missing from the compiled .mo (compilemessages not run after a merge)
    would show English on a Chinese page."""
    from django.utils import translation

    entries = [e for e in po_entries(PO)[1:]
               if not e["obsolete"] and "msgctxt" not in e and "msgid_plural" not in e]
    with translation.override("zh-hans"):
        stale = [e["msgid"] for e in entries if translation.gettext(e["msgid"]) != e["msgstr"]]
    assert stale == [], "run `phaseout compilemessages`: " + ", ".join(stale[:5])
