"""The assessment's charts (lib.charts), drawn on the assessment dashboard and on the home
page: failing lines, and their capacity, by industry, stacked by domain. The numbers are the
dashboard's (`Dashboard.failing`), so they are already limited to the person's area."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from phaseout.lib.charts import Chart
from phaseout.lib.display import localname, unit
from phaseout.reference.models import Industry
from phaseout.standards.selectors.labels import DOMAIN_LABELS
from phaseout.standards.vocabulary import Domain

FAILING_LINES = "chart-failing-lines"
FAILING_CAPACITY = "chart-failing-capacity"


def industries_named(codes: Iterable[str]) -> list[Industry]:
    """The industries of the given codes, in the catalogue's order."""
    return list(Industry.objects.filter(code__in=set(codes)).order_by("id"))


def failing_charts(failing: list[tuple[str, str, int, float]], industries: list[Industry],
                   *, href: str = "") -> tuple[Chart, Chart]:
    """Failing lines by industry and domain, and the same lines' capacity. Each industry
    counts capacity in its own unit, named under the industry. `href` links a cell to the
    run's findings ("{category}" the industry code, "{series}" the domain)."""
    known = {i.code: i for i in industries}
    categories = [(i.code, localname(i)) for i in industries]
    categories += [(code, code) for code in sorted({row[0] for row in failing} - set(known))]
    domains = [(d, DOMAIN_LABELS[d]) for d in Domain.values]
    lines = Chart.build(
        id=FAILING_LINES, title=_("Failing lines by industry and domain"),
        category_heading=_("Industry"), unit=_("number of lines"), categories=categories,
        series=domains, values=[(i, d, n) for i, d, n, _cap in failing], href=href,
        horizontal=True)
    capacity = Chart.build(
        id=FAILING_CAPACITY, title=_("Failing capacity by industry and domain"),
        category_heading=_("Industry"), unit=_("capacity, in each industry's unit"),
        categories=[(code, _("%(industry)s (%(unit)s)") % {
            "industry": label, "unit": unit(known[code].capacity_unit)} if code in known
            else label) for code, label in categories],
        series=domains, values=[(i, d, round(cap, 2)) for i, d, _n, cap in failing],
        decimals=1, href=href, horizontal=True)
    return lines, capacity
