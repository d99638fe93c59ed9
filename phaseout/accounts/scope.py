"""The one scope: what a person may see and do, built once per user and used by every
selector, view, API operation, cache key, service check and document.

A `Scope` is a plain value: the kind of seat (province, city, county, enterprise, nobody),
the division and department it belongs to, whether that department leads the coordination
(P1: reference data, `departments.yaml` `leads`), and the permissions the roles table grants
(`accounts/roles.py`). It turns into `Q` filters over field names, so the apps above
(registry, standards, cases, disclosure, ...) filter their own models through it without
this floor importing them.

- a province-level official (or a superuser) sees the whole province;
- a city official sees that city, a county official that county;
- an enterprise account sees its own enterprise only;
- anybody else (anonymous, inactive, an account with no division) sees nothing internal.

Cases are further narrowed to the official's own department, unless the department leads.
"""

from dataclasses import dataclass

from django.db.models import Q, TextChoices
from django.utils.translation import gettext_lazy as _

from phaseout.reference.models import Division

NOTHING = Q(pk__in=[])

# The permissions behind the case checks (granted in accounts/roles.py).
HANDLE = "cases.handle_case"
DECIDE = "cases.approve_case"


class Kind(TextChoices):
    NOBODY = "nobody", _("No access")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    ENTERPRISE = "enterprise", _("Enterprise")


@dataclass(frozen=True)
class Scope:
    kind: str
    user_id: int | None = None
    division_id: int | None = None
    city_id: int | None = None  # the city itself, or the city a county (an enterprise) lies in
    county_id: int | None = None  # the county itself, or the county an enterprise lies in
    enterprise_id: int | None = None
    department_id: int | None = None
    leads: bool = False
    superuser: bool = False
    perms: frozenset[str] = frozenset()

    # --- who -----------------------------------------------------------------------------

    @property
    def is_official(self) -> bool:
        return self.kind in (Kind.PROVINCE, Kind.CITY, Kind.COUNTY)

    @property
    def everywhere(self) -> bool:
        """Sees the whole province (a province-level official or a superuser)."""
        return self.kind == Kind.PROVINCE

    @property
    def cache_key(self) -> str:
        """One key per region: people who see the same records share cached figures."""
        if self.kind == Kind.ENTERPRISE:
            return f"enterprise:{self.enterprise_id}"
        if self.kind in (Kind.CITY, Kind.COUNTY):
            return f"{self.kind}:{self.division_id}"
        return str(self.kind)

    def has(self, perm: str) -> bool:
        return self.superuser or perm in self.perms

    @property
    def may_write(self) -> bool:
        """Officials in a region may change its records; enterprise accounts only read."""
        return self.is_official

    # --- what may be seen: filters over field names --------------------------------------

    def region(self, *, city: str = "city_id", county: str = "county_id",
               enterprise: str = "enterprise_id") -> Q:
        """Rows whose city / county / enterprise columns fall inside the scope."""
        if self.kind == Kind.PROVINCE:
            return Q()
        if self.kind == Kind.CITY:
            return Q(**{city: self.division_id})
        if self.kind == Kind.COUNTY:
            return Q(**{county: self.division_id})
        if self.kind == Kind.ENTERPRISE:
            return Q(**{enterprise: self.enterprise_id})
        return NOTHING

    def enterprises(self, prefix: str = "") -> Q:
        """Enterprise rows (or rows reached through `prefix`, e.g. "enterprise__")."""
        own = f"{prefix}enterprise_id" if prefix else "pk"
        return self.region(city=f"{prefix}city_id", county=f"{prefix}county_id", enterprise=own)

    def lines(self) -> Q:
        # Lines carry copies of their enterprise's city and county, so the same columns filter.
        return self.region()

    def cases(self, prefix: str = "") -> Q:
        """Cases in the region, of the official's own department unless it leads."""
        region = self.region(city=f"{prefix}city_id", county=f"{prefix}county_id",
                             enterprise=f"{prefix}enterprise_id")
        if self.kind in (Kind.NOBODY, Kind.ENTERPRISE) or self.superuser or self.leads:
            return region
        if self.department_id is None:
            return NOTHING
        return region & Q(**{f"{prefix}department_id": self.department_id})

    def divisions(self, prefix: str = "") -> Q:
        """Divisions the person may pick in filters and forms (and whose people they see)."""
        if self.kind == Kind.PROVINCE:
            return Q()
        if self.kind == Kind.CITY:
            return (Q(**{f"{prefix}pk": self.division_id})
                    | Q(**{f"{prefix}parent_id": self.division_id})
                    | Q(**{f"{prefix}parent__parent_id": self.division_id}))
        if self.kind == Kind.COUNTY:
            return (Q(**{f"{prefix}pk": self.division_id})
                    | Q(**{f"{prefix}parent_id": self.division_id}))
        return NOTHING

    def departments(self, prefix: str = "") -> Q:
        """Departments the person speaks for: their own, or every one if theirs leads."""
        if not self.is_official:
            return NOTHING
        if self.superuser or self.leads:
            return Q()
        if self.department_id is None:
            return NOTHING
        return Q(**{f"{prefix}pk": self.department_id})

    def holding(self, field: str = "scope") -> Q:
        """Rows tied to a division that holds the whole of the person's area (an assessment
        run's scope, say): province-wide (no division, or the province), their city, their
        county; for an enterprise account, its city and county."""
        if self.kind == Kind.NOBODY:
            return NOTHING
        wide = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__level": Division.Level.PROVINCE})
        if self.kind == Kind.PROVINCE:
            return wide
        ids = [pk for pk in (self.city_id, self.county_id) if pk is not None]
        return wide | Q(**{f"{field}_id__in": ids})

    def within(self, field: str = "scope") -> Q:
        """Rows tied to a division inside the person's area (the area and what lies below)."""
        if self.kind == Kind.PROVINCE:
            return Q()
        if self.kind == Kind.CITY:
            return (Q(**{f"{field}_id": self.division_id})
                    | Q(**{f"{field}__parent_id": self.division_id})
                    | Q(**{f"{field}__parent__parent_id": self.division_id}))
        if self.kind == Kind.COUNTY:
            return (Q(**{f"{field}_id": self.division_id})
                    | Q(**{f"{field}__parent_id": self.division_id}))
        return NOTHING

    def covers(self, obj) -> bool:
        """The record (anything with city_id / county_id / enterprise_id) lies in scope."""
        if self.kind == Kind.PROVINCE:
            return True
        if self.kind == Kind.CITY:
            return getattr(obj, "city_id", None) == self.division_id
        if self.kind == Kind.COUNTY:
            return getattr(obj, "county_id", None) == self.division_id
        if self.kind == Kind.ENTERPRISE:
            return getattr(obj, "enterprise_id", None) == self.enterprise_id
        return False

    def covers_division(self, division: Division | None) -> bool:
        """A division (a run's scope, a list's city) lies inside the person's region."""
        if self.kind == Kind.PROVINCE:
            return True
        if division is None or self.kind not in (Kind.CITY, Kind.COUNTY):
            return False
        chain = {division.pk, division.parent_id}
        if division.parent_id is not None and division.level == Division.Level.TOWN:
            chain.add(division.parent.parent_id)
        return self.division_id in chain

    # --- what may be done on a case -----------------------------------------------------

    def may_see_case(self, case) -> bool:
        if not self.covers(case):
            return False
        if self.kind == Kind.ENTERPRISE or self.superuser or self.leads:
            return True
        return self.department_id is not None and self.department_id == case.department_id

    def speaks_for(self, case) -> bool:
        """An official of the case's department in its region (or a superuser): the case is
        theirs to act on, as far as their permissions go (may_handle, may_decide)."""
        if self.superuser:
            return True
        return (self.is_official and self.covers(case)
                and self.department_id == case.department_id)

    def may_handle(self, case) -> bool:
        """Take action steps, propose decisions, record exits and issue documents: an
        official of the case's department in its region, holding the handling permission."""
        if self.superuser:
            return True
        return (self.is_official and HANDLE in self.perms and self.covers(case)
                and self.department_id == case.department_id)

    def may_decide(self, case) -> bool:
        """Approve a decision proposed on the case: the department's approver."""
        if self.superuser:
            return True
        return (self.is_official and DECIDE in self.perms and self.covers(case)
                and self.department_id == case.department_id)

    def may_cosign(self, case) -> bool:
        """Sign an on-site acceptance: a handling official of the case's department or of
        the leading department, in the case's region."""
        if self.superuser:
            return True
        return (self.is_official and HANDLE in self.perms and self.covers(case)
                and (self.department_id == case.department_id or self.leads))


NOBODY = Scope(kind=Kind.NOBODY)

_CACHE_ATTR = "_phaseout_scope"


def scope_of(user) -> Scope:
    """The scope of a user, built once per user object (a request's user lives one request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = _build(user)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def _build(user) -> Scope:
    perms = frozenset(user.get_all_permissions())
    common = {"user_id": user.pk, "superuser": user.is_superuser, "perms": perms}
    if user.enterprise_id is not None:
        enterprise = user.enterprise
        return Scope(kind=Kind.ENTERPRISE, enterprise_id=enterprise.pk, city_id=enterprise.city_id,
                     county_id=enterprise.county_id, **common)
    department = user.department if user.department_id else None
    seat = {"department_id": user.department_id, "leads": bool(department and department.leads)}
    if user.is_superuser:
        return Scope(kind=Kind.PROVINCE, **seat, **common)
    division = user.division if user.division_id else None
    if division is None:
        return Scope(kind=Kind.NOBODY, **common)
    if division.level == Division.Level.PROVINCE:
        return Scope(kind=Kind.PROVINCE, division_id=division.pk, **seat, **common)
    if division.level == Division.Level.CITY:
        return Scope(kind=Kind.CITY, division_id=division.pk, city_id=division.pk, **seat,
                     **common)
    if division.level == Division.Level.COUNTY:
        return Scope(kind=Kind.COUNTY, division_id=division.pk, city_id=division.parent_id,
                     county_id=division.pk, **seat, **common)
    return Scope(kind=Kind.NOBODY, **common)


def divisions_visible(scope: Scope):
    return Division.objects.filter(scope.divisions())


def visible_divisions(user):
    """Divisions a user may pick in filters and forms."""
    return divisions_visible(scope_of(user))
