"""Finds raw codes in what a Chinese page shows: the visible text of the HTML (not tags,
attributes, scripts or styles). What it flags, each a thing an official should never read:

- unit codes (kt/a, kWh/t, kgce/t, yuan/kWh, m3, 10kwb) instead of unit names;
- Python literals (True, False, None, [{ … }]);
- dotted identifiers (rule ids such as energy.cement.clinker, audit actions line.create);
- English case numbers (ENERGY-2026-000042) and references like run:1;
- snake_case codes (state and path codes such as extension_requested, no_data);
- the actor `system` (the platform acting under the law is 系统).

Pages may hold English proper names and standard numbers (GB 16780-2021), which these
patterns leave alone."""

import re
from html.parser import HTMLParser

PATTERNS = {
    "unit code": re.compile(r"\d\s*(?:10k|k)?(?:t/a|kt/a|wb/a|kWh/t|kgce/t|gce/kWh|yuan/kWh|"
                            r"kgce/wb|m3|m2|t/d|t/h)\b"),
    "bare unit code": re.compile(r"(?<![\w/])(?:10kt/a|10kwb/a|kgce/t|kWh/t|yuan/kWh|gce/kWh)"
                                 r"(?![\w/])"),
    "Python literal": re.compile(r"(?<![\w-])(?:True|False|None)(?![\w-])|\[\{|\{'"),
    "dotted identifier": re.compile(r"(?<![\w./@-])[a-z][a-z_]+\.[a-z][a-z_0-9]+"
                                    r"(?:\.[a-z_0-9]+)*(?![\w./@-])"),
    "English case number": re.compile(r"\b[A-Z][A-Z-]+-\d{4}-\d{4,}\b"),
    "internal reference": re.compile(r"\b(?:run|line|case):\d+\b"),
    "snake_case code": re.compile(r"(?<![\w./@-])[a-z]+_[a-z_]+(?![\w./@-])"),
    "actor system": re.compile(r"(?<![\w-])system(?![\w-])"),
}


class _Text(HTMLParser):
    SKIP = {"script", "style", "code", "pre", "textarea"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


def raw_codes(html: str) -> list[tuple[str, str]]:
    """(what, the text it was found in) for every raw code in the page's visible text."""
    found = []
    for text in visible_text(html):
        for what, pattern in PATTERNS.items():
            if pattern.search(text):
                found.append((what, text[:120]))
    return found
