"""Case numbers, in the official form the offices write on their files and documents:

    韶能源案〔2026〕42号
    │ │   │  │      └ serial from 1 per city, department and year, no leading zeros, then 号
    │ │   │  └ the year the case was opened, in the hexagonal brackets of GB/T 9704 (〔〕)
    │ │   └ 案: a case file (documents use 整改, 延期, 关停, 验收 in the same place)
    │ └ the department: `Department.abbreviation` (能源, 环, 市监, ...; else its first two
    │   characters)
    └ the place: the case's city (the line's city), as `place_abbreviation` writes it

The place and department parts are those of the document numbers (documents.services
`document_number`, e.g. 韶能源整改〔2026〕3号), so a case and the notices issued on it read
alike. A case is numbered by its city even when a county office handles it: the city's
department office keeps the register.

One function, `case_numbers`, gives numbers to single (services.case_open) and bulk
(opening.py, a block per city and department) opening alike. The unique number column keeps
them unique: a concurrent opening that took the same number fails with IntegrityError, and the
caller's transaction numbers again.

Numbers given before this form (ENERGY-2025-000042) are kept as they are, not renumbered: the
append-only audit trail, the credit records sent to the provincial platform, the documents
issued and signed and the published lists cite them, and renumbering would leave those
pointing at a number no case has. The old and new forms cannot collide (the new form starts
with Chinese characters), and the serials of the new form count only new-form numbers.
"""

from django.db.models.functions import Length

from phaseout.cases.models import Case
from phaseout.reference.models import Department, Division

# Abbreviations of the cities that are not their first character (汕 is Shantou's).
CITY_ABBR = {"广州市": "穗", "东莞市": "莞", "汕尾市": "汕尾"}
PROVINCE_ABBR = "粤"


def place_abbreviation(division: Division) -> str:
    """粤 for the province; a city's usual one-character name (韶, 穗); a county: its city's
    and its own name without 区/县/市 (韶曲江)."""
    if division.level == Division.Level.PROVINCE:
        return PROVINCE_ABBR
    if division.level == Division.Level.CITY:
        return CITY_ABBR.get(division.name, division.name[:1])
    city = division.city
    stem = division.name.rstrip("区县市") or division.name
    return (place_abbreviation(city) if city is not None else "") + stem


def department_abbreviation(department: Department) -> str:
    return department.abbreviation or department.name[:2]


def case_number_prefix(department: Department, city: Division, year: int) -> str:
    return f"{place_abbreviation(city)}{department_abbreviation(department)}案〔{year}〕"


def case_numbers(department: Department, city: Division, year: int,
                 count: int = 1) -> list[str]:
    """The next `count` numbers of the department's cases in the city in the year, in order."""
    prefix = case_number_prefix(department, city, year)
    # Serials have no leading zeros: the longest number is the newest, then the greatest.
    last = (Case.objects.filter(number__startswith=prefix)
            .order_by(Length("number").desc(), "-number")
            .values_list("number", flat=True).first())
    serial = int(last[len(prefix):-1]) if last else 0
    return [f"{prefix}{serial + i}号" for i in range(1, count + 1)]
