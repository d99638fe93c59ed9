"""Case numbers: per responsible department and year, e.g. ENERGY-2025-000042. One function
gives them to single and bulk opening alike; bulk opening reserves a block at once."""

from phaseout.cases.models import Case
from phaseout.reference.models import Department


def case_numbers(department: Department, year: int, count: int = 1) -> list[str]:
    """The next `count` numbers of the department's cases of the year, in order. The unique
    number column keeps them unique: a concurrent opening that took the same number fails
    with IntegrityError, and the caller's transaction numbers again."""
    prefix = f"{department.code.upper()}-{year}-"
    last = (Case.objects.filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    serial = int(last.rsplit("-", 1)[1]) if last else 0
    return [f"{prefix}{serial + i:06d}" for i in range(1, count + 1)]
