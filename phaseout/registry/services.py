"""Every write to the registry. Each service runs in one transaction, refuses stale
versions, keeps the history rows and writes the audit entry with before and after."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.audit.services import Change, audit_record, audit_record_many
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
ENTERPRISE_TRACKED = (
    "name",
    "legal_representative",
    "status",
    "address",
    "county_id",
    "town_id",
    "industry_id",
)
ENTERPRISE_FIELDS = (
    "uscc",
    "name",
    "city_id",
    "county_id",
    "town_id",
    "address",
    "latitude",
    "longitude",
    "legal_representative",
    "industry_id",
    "status",
)
LINE_FIELDS = (
    "enterprise_id",
    "line_code",
    "industry_id",
    "equipment_type_id",
    "size",
    "size_unit",
    "second_size",
    "capacity",
    "capacity_unit",
    "commissioned_on",
    "status",
    "registered_use",
    "city_id",
    "county_id",
)
LICENCE_FIELDS = ("enterprise_id", "kind", "number", "scope", "valid_from", "valid_until", "issuer")


def snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


def enterprise_values(data: EnterpriseInput) -> dict:
    return {
        "uscc": data.uscc,
        "name": data.name,
        "city_id": data.city.pk,
        "county_id": data.county.pk,
        "town_id": data.town.pk if data.town else None,
        "address": data.address,
        "latitude": data.latitude,
        "longitude": data.longitude,
        "legal_representative": data.legal_representative,
        "industry_id": data.industry.pk,
        "status": data.status,
    }


def line_values(data: LineInput, enterprise: Enterprise) -> dict:
    return {
        "enterprise_id": enterprise.pk,
        "line_code": data.line_code,
        "industry_id": data.industry.pk,
        "equipment_type_id": data.equipment_type.pk,
        "size": data.size,
        "size_unit": data.size_unit,
        "second_size": data.second_size,
        "capacity": data.capacity,
        "capacity_unit": data.capacity_unit,
        "commissioned_on": data.commissioned_on,
        "status": data.status,
        "registered_use": data.registered_use,
        "city_id": enterprise.city_id,
        "county_id": enterprise.county_id,
    }


def licence_values(data: LicenceInput, enterprise: Enterprise) -> dict:
    return {
        "enterprise_id": enterprise.pk,
        "kind": data.kind,
        "number": data.number,
        "scope": data.scope,
        "valid_from": data.valid_from,
        "valid_until": data.valid_until,
        "issuer": data.issuer,
    }


@transaction.atomic
def enterprise_create(*, data: EnterpriseInput, actor) -> Enterprise:
    """Register a new enterprise.

    Raises: RegistryInputError if the credit code is already registered.
    """
    if Enterprise.objects.filter(uscc=data.uscc).exists():
        raise RegistryInputError(
            [FieldError("uscc", _("%(v)s is already registered") % {"v": data.uscc})]
        )
    enterprise = Enterprise.objects.create(**enterprise_values(data))
    audit_record(
        actor=actor,
        action="enterprise.create",
        object_type="enterprise",
        object_id=enterprise.uscc,
        after=snapshot(enterprise, ENTERPRISE_FIELDS),
    )
    return enterprise


@transaction.atomic
def enterprise_update(
    *, enterprise: Enterprise, data: EnterpriseInput, expected_version: int, actor, note: str = ""
) -> Enterprise:
    """Change an enterprise's facts, keeping history of name, owner, status and place.

    Raises: VersionConflict if it was changed since `expected_version` was read;
    RegistryInputError if the credit code would change.
    """
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if locked.version != expected_version:
        raise VersionConflict(
            _(
                "This enterprise was changed by someone else after you opened it. "
                "Reload the page to see their change, then edit again."
            )
        )
    if data.uscc != locked.uscc:
        raise RegistryInputError(
            [FieldError("uscc", _("the credit code of a registered enterprise cannot change"))]
        )
    before = snapshot(locked, ENTERPRISE_FIELDS)
    values = enterprise_values(data)
    if all(before[k] == v for k, v in values.items()):
        return locked
    now = timezone.now()
    EnterpriseChange.objects.bulk_create(
        [
            EnterpriseChange(
                enterprise=locked,
                field=f,
                old_value=str(before[f] or ""),
                new_value=str(values[f] or ""),
                at=now,
                actor=actor,
                note=note,
            )
            for f in ENTERPRISE_TRACKED
            if before[f] != values[f]
        ]
    )
    for key, value in values.items():
        setattr(locked, key, value)
    locked.version += 1
    locked.save()
    if before["city_id"] != values["city_id"] or before["county_id"] != values["county_id"]:
        locked.lines.update(city_id=values["city_id"], county_id=values["county_id"])
    audit_record(
        actor=actor,
        action="enterprise.update",
        object_type="enterprise",
        object_id=locked.uscc,
        before=before,
        after=snapshot(locked, ENTERPRISE_FIELDS),
        note=note,
    )
    return locked


@transaction.atomic
def line_create(*, enterprise: Enterprise, data: LineInput, actor) -> ProductionLine:
    """Register a production line of an enterprise.

    Raises: RegistryInputError if the line code is taken within the enterprise.
    """
    if enterprise.lines.filter(line_code=data.line_code).exists():
        raise RegistryInputError(
            [
                FieldError(
                    "line_code",
                    _("%(v)s is already used by another line of this enterprise")
                    % {"v": data.line_code},
                )
            ]
        )
    line = ProductionLine.objects.create(**line_values(data, enterprise))
    LineStatusChange.objects.create(
        line=line,
        old_status="",
        new_status=line.status,
        at=timezone.now(),
        actor=actor,
        note=_("registered"),
    )
    audit_record(
        actor=actor,
        action="line.create",
        object_type="line",
        object_id=line.pk,
        after=snapshot(line, LINE_FIELDS),
    )
    return line


@transaction.atomic
def line_update(
    *, line: ProductionLine, data: LineInput, expected_version: int, actor, note: str = ""
) -> ProductionLine:
    """Change a line's equipment, size, capacity or status.

    Raises: VersionConflict if it changed since it was read.
    """
    locked = ProductionLine.objects.select_for_update().select_related("enterprise").get(pk=line.pk)
    if locked.version != expected_version:
        raise VersionConflict(
            _(
                "This line was changed by someone else after you opened it. "
                "Reload the page to see their change, then edit again."
            )
        )
    if (
        data.line_code != locked.line_code
        and locked.enterprise.lines.filter(line_code=data.line_code).exists()
    ):
        raise RegistryInputError(
            [
                FieldError(
                    "line_code",
                    _("%(v)s is already used by another line of this enterprise")
                    % {"v": data.line_code},
                )
            ]
        )
    before = snapshot(locked, LINE_FIELDS)
    values = line_values(data, locked.enterprise)
    if all(before[k] == v for k, v in values.items()):
        return locked
    if before["status"] != values["status"]:
        LineStatusChange.objects.create(
            line=locked,
            old_status=before["status"],
            new_status=values["status"],
            at=timezone.now(),
            actor=actor,
            note=note,
        )
    for key, value in values.items():
        setattr(locked, key, value)
    locked.version += 1
    locked.save()
    audit_record(
        actor=actor,
        action="line.update",
        object_type="line",
        object_id=locked.pk,
        before=before,
        after=snapshot(locked, LINE_FIELDS),
        note=note,
    )
    return locked


@transaction.atomic
def line_status_set(
    *, line: ProductionLine, status: str, actor, note: str = "", expected_version: int | None = None
) -> ProductionLine:
    """Move a line to another status (rectifying, sealed, dismantled, ...) with a reason.

    Raises: VersionConflict; RegistryInputError for an unknown status or no reason.
    """
    if status not in ProductionLine.Status.values:
        raise RegistryInputError(
            [FieldError("status", _("%(v)s is not a line status") % {"v": status})]
        )
    if not note.strip():
        raise RegistryInputError(
            [FieldError("note", _("give the reason or the document for the change"))]
        )
    locked = ProductionLine.objects.select_for_update().get(pk=line.pk)
    if expected_version is not None and locked.version != expected_version:
        raise VersionConflict(
            _(
                "This line was changed by someone else after you opened it. "
                "Reload the page to see their change, then edit again."
            )
        )
    if locked.status == status:
        return locked
    old = locked.status
    LineStatusChange.objects.create(
        line=locked, old_status=old, new_status=status, at=timezone.now(), actor=actor, note=note
    )
    locked.status = status
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="line.status",
        object_type="line",
        object_id=locked.pk,
        before={"status": old},
        after={"status": status},
        note=note,
    )
    return locked


@transaction.atomic
def indicator_record(
    *, line: ProductionLine, data: IndicatorInput, actor, evidence=None
) -> Indicator:
    """Record (or correct) a measured value for a line and year from one source.

    Raises: RegistryInputError if the indicator does not apply to the line's industry.
    """
    if not data.kind.industries.filter(pk=line.industry_id).exists():
        raise RegistryInputError(
            [
                FieldError(
                    "kind",
                    _("%(k)s does not apply to %(ind)s")
                    % {"k": data.kind.name, "ind": line.industry.name},
                )
            ]
        )
    existing = (
        Indicator.objects.select_for_update()
        .filter(line=line, year=data.year, kind=data.kind, source=data.source)
        .first()
    )
    before = None
    if existing is None:
        indicator = Indicator(
            line=line,
            year=data.year,
            kind=data.kind,
            source=data.source,
            value=data.value,
            unit=data.unit,
        )
    else:
        before = {"value": existing.value, "unit": existing.unit}
        indicator = existing
        indicator.value, indicator.unit = data.value, data.unit
    if evidence is not None:
        indicator.evidence = evidence
    indicator.save()
    audit_record(
        actor=actor,
        action="indicator.record",
        object_type="indicator",
        object_id=indicator.pk,
        before=before,
        after={
            "line": line.pk,
            "year": data.year,
            "kind": data.kind.code,
            "source": data.source,
            "value": data.value,
            "unit": data.unit,
        },
    )
    return indicator


@transaction.atomic
def licence_save(*, enterprise: Enterprise, data: LicenceInput, actor) -> Licence:
    """Record a licence or permit, or update it by its kind and number.

    Raises: RegistryInputError if that number belongs to another enterprise.
    """
    existing = (
        Licence.objects.select_for_update().filter(kind=data.kind, number=data.number).first()
    )
    values = licence_values(data, enterprise)
    if existing is not None and existing.enterprise_id != enterprise.pk:
        raise RegistryInputError(
            [
                FieldError(
                    "number", _("%(v)s is registered to another enterprise") % {"v": data.number}
                )
            ]
        )
    if existing is None:
        licence = Licence.objects.create(**values)
        audit_record(
            actor=actor,
            action="licence.create",
            object_type="licence",
            object_id=licence.pk,
            after=values,
        )
        return licence
    before = snapshot(existing, LICENCE_FIELDS)
    if before == values:
        return existing
    for key, value in values.items():
        setattr(existing, key, value)
    existing.version += 1
    existing.save()
    audit_record(
        actor=actor,
        action="licence.update",
        object_type="licence",
        object_id=existing.pk,
        before=before,
        after=values,
    )
    return existing


# Rows per INSERT statement of a file import, so that no single statement grows huge;
# Django lowers it further where the database needs (SQLite's variable limit).
IMPORT_BATCH_SIZE = 500


@dataclass
class ImportBatch:
    """What a file import writes, worked out and checked beforehand by registry.importing.

    New objects are unsaved (lines may point at new enterprises, indicators at new lines);
    changed objects already carry their new values, each paired with its snapshot before.
    """

    note: str = ""
    new_enterprises: list[Enterprise] = field(default_factory=list)
    changed_enterprises: list[tuple[Enterprise, dict]] = field(default_factory=list)
    new_lines: list[ProductionLine] = field(default_factory=list)
    changed_lines: list[tuple[ProductionLine, dict]] = field(default_factory=list)
    new_indicators: list[Indicator] = field(default_factory=list)
    changed_indicators: list[tuple[Indicator, dict]] = field(default_factory=list)
    new_licences: list[Licence] = field(default_factory=list)
    changed_licences: list[tuple[Licence, dict]] = field(default_factory=list)


def _update_rows(model, objects: list, fields) -> None:
    """Write `fields` of each object by primary key: one prepared UPDATE run for every row,
    which is many times quicker than bulk_update's CASE expressions for thousands of rows."""
    if not objects:
        return
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(f) for f in fields]
    assignments = ", ".join(f"{quote(c.column)} = %s" for c in columns)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    rows = [
        [c.get_db_prep_save(getattr(obj, c.attname), connection) for c in columns] + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _indicator_after(indicator: Indicator) -> dict:
    return {
        "line": indicator.line_id,
        "year": indicator.year,
        "kind": indicator.kind.code,
        "source": indicator.source,
        "value": indicator.value,
        "unit": indicator.unit,
    }


def _import_enterprises(batch: ImportBatch, actor, now) -> list[Change]:
    Enterprise.objects.bulk_create(batch.new_enterprises, batch_size=IMPORT_BATCH_SIZE)
    changes = [
        Change(
            "enterprise.create",
            "enterprise",
            e.uscc,
            after=snapshot(e, ENTERPRISE_FIELDS),
            note=batch.note,
        )
        for e in batch.new_enterprises
    ]
    history = []
    for enterprise, before in batch.changed_enterprises:
        after = snapshot(enterprise, ENTERPRISE_FIELDS)
        history += [
            EnterpriseChange(
                enterprise=enterprise,
                field=f,
                old_value=str(before[f] or ""),
                new_value=str(after[f] or ""),
                at=now,
                actor=actor,
                note=batch.note,
            )
            for f in ENTERPRISE_TRACKED
            if before[f] != after[f]
        ]
        enterprise.version += 1
        enterprise.updated_at = now
        if (before["city_id"], before["county_id"]) != (after["city_id"], after["county_id"]):
            enterprise.lines.update(city_id=after["city_id"], county_id=after["county_id"])
        changes.append(
            Change(
                "enterprise.update",
                "enterprise",
                enterprise.uscc,
                before=before,
                after=after,
                note=batch.note,
            )
        )
    _update_rows(
        Enterprise,
        [e for e, _before in batch.changed_enterprises],
        [*ENTERPRISE_FIELDS[1:], "version", "updated_at"],
    )
    EnterpriseChange.objects.bulk_create(history, batch_size=IMPORT_BATCH_SIZE)
    return changes


def _import_lines(batch: ImportBatch, actor, now) -> list[Change]:
    ProductionLine.objects.bulk_create(batch.new_lines, batch_size=IMPORT_BATCH_SIZE)
    statuses = [
        LineStatusChange(
            line=line,
            old_status="",
            new_status=line.status,
            at=now,
            actor=actor,
            note=_("registered"),
        )
        for line in batch.new_lines
    ]
    changes = [
        Change("line.create", "line", line.pk, after=snapshot(line, LINE_FIELDS), note=batch.note)
        for line in batch.new_lines
    ]
    for line, before in batch.changed_lines:
        if before["status"] != line.status:
            statuses.append(
                LineStatusChange(
                    line=line,
                    old_status=before["status"],
                    new_status=line.status,
                    at=now,
                    actor=actor,
                    note=batch.note,
                )
            )
        line.version += 1
        line.updated_at = now
        changes.append(
            Change(
                "line.update",
                "line",
                line.pk,
                before=before,
                after=snapshot(line, LINE_FIELDS),
                note=batch.note,
            )
        )
    _update_rows(
        ProductionLine,
        [line for line, _before in batch.changed_lines],
        [*LINE_FIELDS[2:], "version", "updated_at"],
    )
    LineStatusChange.objects.bulk_create(statuses, batch_size=IMPORT_BATCH_SIZE)
    return changes


def _import_indicators(batch: ImportBatch) -> list[Change]:
    Indicator.objects.bulk_create(batch.new_indicators, batch_size=IMPORT_BATCH_SIZE)
    _update_rows(Indicator, [i for i, _before in batch.changed_indicators], ["value", "unit"])
    return [
        Change(
            "indicator.record",
            "indicator",
            i.pk,
            before=before,
            after=_indicator_after(i),
            note=batch.note,
        )
        for i, before in [*((i, None) for i in batch.new_indicators), *batch.changed_indicators]
    ]


def _import_licences(batch: ImportBatch) -> list[Change]:
    Licence.objects.bulk_create(batch.new_licences, batch_size=IMPORT_BATCH_SIZE)
    changes = [
        Change(
            "licence.create",
            "licence",
            lic.pk,
            after=snapshot(lic, LICENCE_FIELDS),
            note=batch.note,
        )
        for lic in batch.new_licences
    ]
    for licence, before in batch.changed_licences:
        licence.version += 1
        changes.append(
            Change(
                "licence.update",
                "licence",
                licence.pk,
                before=before,
                after=snapshot(licence, LICENCE_FIELDS),
                note=batch.note,
            )
        )
    _update_rows(
        Licence, [lic for lic, _before in batch.changed_licences], [*LICENCE_FIELDS[1:], "version"]
    )
    return changes


@transaction.atomic
def registry_import_apply(*, batch: ImportBatch, actor) -> int:
    """Write a checked import batch in one transaction, with history and one audit entry
    per created or changed object; returns the number of audit entries written."""
    now = timezone.now()
    changes = _import_enterprises(batch, actor, now)
    changes += _import_lines(batch, actor, now)
    changes += _import_indicators(batch)
    changes += _import_licences(batch)
    return audit_record_many(actor=actor, changes=changes)


@transaction.atomic
def violation_record(
    *,
    enterprise: Enterprise,
    domain: str,
    kind: str,
    found_on,
    basis: str,
    actor,
    line: ProductionLine | None = None,
    serious: bool = False,
    description: str = "",
) -> Violation:
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
        enterprise=enterprise,
        line=line,
        domain=domain,
        kind=kind,
        serious=serious,
        found_on=found_on,
        basis=basis,
        description=description,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="violation.record",
        object_type="violation",
        object_id=violation.pk,
        after={
            "enterprise": enterprise.uscc,
            "line": line.pk if line else None,
            "domain": domain,
            "kind": kind,
            "serious": serious,
            "found_on": found_on,
            "basis": basis,
        },
    )
    return violation


@transaction.atomic
def violation_resolve(*, violation: Violation, resolved_on, actor, note: str = "") -> Violation:
    """Mark a violation as corrected on a date (after re-inspection).

    Raises: RegistryInputError if the date is before it was found or in the future.
    """
    locked = Violation.objects.select_for_update().get(pk=violation.pk)
    if resolved_on < locked.found_on or resolved_on > timezone.localdate():
        raise RegistryInputError(
            [
                FieldError(
                    "resolved_on",
                    _("must be between the day it was found (%(a)s) and today")
                    % {"a": locked.found_on},
                )
            ]
        )
    before = {"resolved_on": locked.resolved_on}
    locked.resolved_on = resolved_on
    locked.save(update_fields=["resolved_on"])
    audit_record(
        actor=actor,
        action="violation.resolve",
        object_type="violation",
        object_id=locked.pk,
        before=before,
        after={"resolved_on": resolved_on},
        note=note,
    )
    return locked
