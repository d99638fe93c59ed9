"""Fill or correct zh_Hans translations from a JSON mapping {msgid: msgstr}, clearing the
fuzzy flag of the entries it sets. Usage: python scripts/po_fill.py mapping.json"""

import json
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def _msgid(block: str) -> str | None:
    match = re.search(r'^msgid ((?:".*"\n?)+)', block, flags=re.M)
    if not match:
        return None
    return "".join(re.findall(r'"(.*)"', match.group(1))).encode().decode("unicode_escape").encode(
        "latin-1").decode("utf-8")


def main(path: str) -> None:
    mapping = json.loads(Path(path).read_text(encoding="utf-8"))
    blocks = PO.read_text(encoding="utf-8").split("\n\n")
    for i, block in enumerate(blocks):
        msgid = _msgid(block)
        if msgid is None or msgid not in mapping:
            continue
        lines = [line for line in block.split("\n") if not line.startswith("#|")]
        lines = [line.replace("#, fuzzy, ", "#, ") for line in lines if line != "#, fuzzy"]
        head = "\n".join(lines).split("\nmsgstr")[0]
        value = mapping[msgid].replace("\\", "\\\\").replace('"', '\\"')
        blocks[i] = f'{head}\nmsgstr "{value}"'
    PO.write_text("\n\n".join(blocks), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
