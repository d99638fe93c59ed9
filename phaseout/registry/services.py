"""Every write to the registry. Each service runs in one transaction, refuses stale
versions, keeps the history rows and writes the audit entry with before and after."""


from typing import NoReturn

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.audit.actions import Action
from phaseout.audit.services import audit_record
from phaseout.registry.models import (
    Enterprise,
    EnterpriseChange,
    Indicator,
    Licence,
    LineStatusChange,
    ProductionLine,
    Violation,
)
from phaseout.registry.validation import (
    EnterpriseInput,
    FieldError,
    IndicatorInput,
    LicenceInput,
    LineInput,
    RegistryInputError,
    VersionConflict,
)

# Changes of these facts are kept as the enterprise's history (name, owner, status, place).
ENTERPRISE_TRACKED = ("name", "legal_representative", "status", "address", "county_id", "town_id",
                      "industry_id")
ENTERPRISE_FIELDS = ("uscc", "name", "city_id", "county_id", "town_id", "address", "latitude",
                     "longitude", "legal_representative", "industry_id", "status")
LINE_FIELDS = ("enterprise_id", "line_code", "industry_id", "equipment_type_id", "size",
               "size_unit", "second_size", "capacity", "capacity_unit", "commissioned_on", "status",
               "registered_use", "city_id", "county_id")
LICENCE_FIELDS = ("enterprise_id", "kind", "number", "scope", "valid_from", "valid_until", "issuer")


def _refuse(field: str, message: str) -> NoReturn:
    raise RegistryInputError([FieldError(field, message)])


def snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


def enterprise_values(data: EnterpriseInput) -> dict:
    return {
        "uscc": data.uscc, "name": data.name, "city_id": data.city.pk, "county_id": data.county.pk,
        "town_id": data.town.pk if data.town else None, "address": data.address,
        "latitude": data.latitude, "longitude": data.longitude,
        "legal_representative": data.legal_representative, "industry_id": data.industry.pk,
        "status": data.status,
    }


def line_values(data: LineInput, enterprise: Enterprise) -> dict:
    return {
        "enterprise_id": enterprise.pk, "line_code": data.line_code,
        "industry_id": data.industry.pk, "equipment_type_id": data.equipment_type.pk,
        "size": data.size, "size_unit": data.size_unit, "second_size": data.second_size,
        "capacity": data.capacity, "capacity_unit": data.capacity_unit,
        "commissioned_on": data.commissioned_on, "status": data.status,
        "registered_use": data.registered_use, "city_id": enterprise.city_id,
        "county_id": enterprise.county_id,
    }


def licence_values(data: LicenceInput, enterprise: Enterprise) -> dict:
    return {"enterprise_id": enterprise.pk, "kind": data.kind, "number": data.number,
            "scope": data.scope, "valid_from": data.valid_from, "valid_until": data.valid_until,
            "issuer": data.issuer}


@transaction.atomic
def enterprise_create(*, data: EnterpriseInput, actor) -> Enterprise:
    """Register a new enterprise.

    Raises: RegistryInputError if the credit code is already registered.
    """
    if Enterprise.objects.filter(uscc=data.uscc).exists():
        _refuse("uscc", _("%(v)s is already registered") % {"v": data.uscc})
    enterprise = Enterprise.objects.create(**enterprise_values(data))
    audit_record(actor=actor, action=Action.ENTERPRISE_CREATE, object_type="enterprise",
                 object_id=enterprise.uscc, after=snapshot(enterprise, ENTERPRISE_FIELDS))
    return enterprise


@transaction.atomic
def enterprise_update(*, enterprise: Enterprise, data: EnterpriseInput, expected_version: int,
                      actor, note: str = "") -> Enterprise:
    """Change an enterprise's facts, keeping history of name, owner, status and place.

    Raises: VersionConflict if it was changed since `expected_version` was read;
    RegistryInputError if the credit code would change.
    """
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if locked.version != expected_version:
        raise VersionConflict(_("This enterprise was changed by someone else after you opened it. "
                                "Reload the page to see their change, then edit again."))
    if data.uscc != locked.uscc:
        _refuse("uscc", _("the credit code of a registered enterprise cannot change"))
    before = snapshot(locked, ENTERPRISE_FIELDS)
    values = enterprise_values(data)
    if all(before[k] == v for k, v in values.items()):
        return locked
    now = timezone.now()
    EnterpriseChange.objects.bulk_create([
        EnterpriseChange(enterprise=locked, field=f, old_value=str(before[f] or ""),
                         new_value=str(values[f] or ""), at=now, actor=actor, note=note)
        for f in ENTERPRISE_TRACKED if before[f] != values[f]
    ])
    for key, value in values.items():
        setattr(locked, key, value)
    locked.version += 1
    locked.save()
    if before["city_id"] != values["city_id"] or before["county_id"] != values["county_id"]:
        locked.lines.update(city_id=values["city_id"], county_id=values["county_id"])
    audit_record(actor=actor, action=Action.ENTERPRISE_UPDATE, object_type="enterprise",
                 object_id=locked.uscc, before=before, after=snapshot(locked, ENTERPRISE_FIELDS),
                 note=note)
    return locked


@transaction.atomic
def line_create(*, enterprise: Enterprise, data: LineInput, actor) -> ProductionLine:
    """Register a production line of an enterprise.

    Raises: RegistryInputError if the line code is taken within the enterprise.
    """
    if enterprise.lines.filter(line_code=data.line_code).exists():
        _refuse("line_code", _("%(v)s is already used by another line of this enterprise")
            % {"v": data.line_code})
    line = ProductionLine.objects.create(**line_values(data, enterprise))
    LineStatusChange.objects.create(line=line, old_status="", new_status=line.status,
                                    at=timezone.now(), actor=actor, note=_("registered"))
    audit_record(actor=actor, action=Action.LINE_CREATE, object_type="line", object_id=line.pk,
                 after=snapshot(line, LINE_FIELDS))
    return line


@transaction.atomic
def line_update(*, line: ProductionLine, data: LineInput, expected_version: int, actor,
                note: str = "") -> ProductionLine:
    """Change a line's equipment, size, capacity or status.

    Raises: VersionConflict if it changed since it was read.
    """
    locked = ProductionLine.objects.select_for_update().select_related("enterprise").get(pk=line.pk)
    if locked.version != expected_version:
        raise VersionConflict(_("This line was changed by someone else after you opened it. "
                                "Reload the page to see their change, then edit again."))
    taken = locked.enterprise.lines.filter(line_code=data.line_code).exists()
    if data.line_code != locked.line_code and taken:
        _refuse("line_code", _("%(v)s is already used by another line of this enterprise")
            % {"v": data.line_code})
    before = snapshot(locked, LINE_FIELDS)
    values = line_values(data, locked.enterprise)
    if all(before[k] == v for k, v in values.items()):
        return locked
    if before["status"] != values["status"]:
        LineStatusChange.objects.create(line=locked, old_status=before["status"],
                                        new_status=values["status"], at=timezone.now(),
                                        actor=actor, note=note)
    for key, value in values.items():
        setattr(locked, key, value)
    locked.version += 1
    locked.save()
    audit_record(actor=actor, action=Action.LINE_UPDATE, object_type="line", object_id=locked.pk,
                 before=before, after=snapshot(locked, LINE_FIELDS), note=note)
    return locked


@transaction.atomic
def line_status_set(*, line: ProductionLine, status: str, actor, note: str = "",
                    expected_version: int | None = None) -> ProductionLine:
    """Move a line to another status (rectifying, sealed, dismantled, ...) with a reason.

    Raises: VersionConflict; RegistryInputError for an unknown status or no reason.
    """
    if status not in ProductionLine.Status.values:
        _refuse("status", _("%(v)s is not a line status") % {"v": status})
    if not note.strip():
        _refuse("note", _("give the reason or the document for the change"))
    locked = ProductionLine.objects.select_for_update().get(pk=line.pk)
    if expected_version is not None and locked.version != expected_version:
        raise VersionConflict(_("This line was changed by someone else after you opened it. "
                                "Reload the page to see their change, then edit again."))
    if locked.status == status:
        return locked
    old = locked.status
    LineStatusChange.objects.create(line=locked, old_status=old, new_status=status,
                                    at=timezone.now(), actor=actor, note=note)
    locked.status = status
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    audit_record(actor=actor, action=Action.LINE_STATUS, object_type="line", object_id=locked.pk,
                 before={"status": old}, after={"status": status}, note=note)
    return locked


@transaction.atomic
def indicator_record(*, line: ProductionLine, data: IndicatorInput, actor,
                     evidence=None) -> Indicator:
    """Record (or correct) a measured value for a line and year from one source.

    Raises: RegistryInputError if the indicator does not apply to the line's industry.
    """
    if not data.kind.industries.filter(pk=line.industry_id).exists():
        _refuse("kind", _("%(k)s does not apply to %(ind)s")
            % {"k": data.kind.name, "ind": line.industry.name})
    existing = (Indicator.objects.select_for_update()
                .filter(line=line, year=data.year, kind=data.kind, source=data.source).first())
    before = None
    if existing is None:
        indicator = Indicator(line=line, year=data.year, kind=data.kind, source=data.source,
                              value=data.value, unit=data.unit)
    else:
        before = {"value": existing.value, "unit": existing.unit}
        indicator = existing
        indicator.value, indicator.unit = data.value, data.unit
    if evidence is not None:
        indicator.evidence = evidence
    indicator.save()
    audit_record(actor=actor, action=Action.INDICATOR_RECORD, object_type="indicator",
                 object_id=indicator.pk, before=before,
                 after={"line": line.pk, "year": data.year, "kind": data.kind.code,
                        "source": data.source, "value": data.value, "unit": data.unit})
    return indicator


@transaction.atomic
def licence_save(*, enterprise: Enterprise, data: LicenceInput, actor) -> Licence:
    """Record a licence or permit, or update it by its kind and number.

    Raises: RegistryInputError if that number belongs to another enterprise.
    """
    existing = (Licence.objects.select_for_update()
                .filter(kind=data.kind, number=data.number).first())
    values = licence_values(data, enterprise)
    if existing is not None and existing.enterprise_id != enterprise.pk:
        _refuse("number", _("%(v)s is registered to another enterprise")
            % {"v": data.number})
    if existing is None:
        licence = Licence.objects.create(**values)
        audit_record(actor=actor, action=Action.LICENCE_CREATE, object_type="licence",
                     object_id=licence.pk, after=values)
        return licence
    before = snapshot(existing, LICENCE_FIELDS)
    if before == values:
        return existing
    for key, value in values.items():
        setattr(existing, key, value)
    existing.version += 1
    existing.save()
    audit_record(actor=actor, action=Action.LICENCE_UPDATE, object_type="licence",
                 object_id=existing.pk, before=before, after=values)
    return existing


# Rows per INSERT statement of a file import, so that no single statement grows huge;
# Django lowers it further where the database needs (SQLite's variable limit).
@transaction.atomic
def violation_record(*, enterprise: Enterprise, domain: str, kind: str, found_on, basis: str,
                     actor, line: ProductionLine | None = None, serious: bool = False,
                     description: str = "") -> Violation:
    """Record a breach found by a department (environment, safety or quality).

    Raises: RegistryInputError for an unknown domain, a missing basis, a date in the future
    or a line of another enterprise.
    """
    errors = []
    if domain not in Violation.Domain.values:
        errors.append(FieldError("domain", _("%(v)s is not a domain") % {"v": domain}))
    if not basis.strip():
        errors.append(FieldError("basis", _("give the law or standard that was breached")))
    if found_on > timezone.localdate():
        errors.append(FieldError("found_on", _("%(v)s is in the future") % {"v": found_on}))
    if line is not None and line.enterprise_id != enterprise.pk:
        errors.append(FieldError("line", _("the line belongs to another enterprise")))
    if errors:
        raise RegistryInputError(errors)
    violation = Violation.objects.create(
        enterprise=enterprise, line=line, domain=domain, kind=kind, serious=serious,
        found_on=found_on, basis=basis, description=description, recorded_by=actor)
    audit_record(actor=actor, action=Action.VIOLATION_RECORD, object_type="violation",
                 object_id=violation.pk,
                 after={"enterprise": enterprise.uscc, "line": line.pk if line else None,
                        "domain": domain, "kind": kind, "serious": serious,
                        "found_on": found_on, "basis": basis})
    return violation


@transaction.atomic
def violation_resolve(*, violation: Violation, resolved_on, actor, note: str = "") -> Violation:
    """Mark a violation as corrected on a date (after re-inspection).

    Raises: RegistryInputError if the date is before it was found or in the future.
    """
    locked = Violation.objects.select_for_update().get(pk=violation.pk)
    if resolved_on < locked.found_on or resolved_on > timezone.localdate():
        raise RegistryInputError([FieldError("resolved_on", _(
            "must be between the day it was found (%(a)s) and today") % {"a": locked.found_on})])
    before = {"resolved_on": locked.resolved_on}
    locked.resolved_on = resolved_on
    locked.save(update_fields=["resolved_on"])
    audit_record(actor=actor, action=Action.VIOLATION_RESOLVE, object_type="violation",
                 object_id=locked.pk, before=before, after={"resolved_on": resolved_on}, note=note)
    return locked
