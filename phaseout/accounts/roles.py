"""Roles are permission groups (administrator, coordinator, handler, viewer, enterprise).
Code checks permissions, never role names; this file is the one place that says which
role holds which permission."""

from django.contrib.auth.models import Group, Permission

ROLES: dict[str, dict[str, object]] = {
    "administrator": {
        "label": "管理员",
        "permissions": [
            "cases.view_case", "cases.handle_case", "cases.approve_case",
            "registry.view_enterprise", "registry.add_enterprise", "registry.change_enterprise",
            "registry.view_productionline", "registry.add_productionline",
            "registry.change_productionline", "registry.view_indicator", "registry.add_indicator",
            "registry.view_licence", "registry.add_licence", "registry.change_licence",
            "registry.import_registry", "registry.export_registry",
            "registry.view_violation", "registry.add_violation", "registry.change_violation",
            "audit.view_auditentry",
            "reference.view_division", "reference.view_department", "reference.view_industry",
            "reference.view_equipmenttype", "reference.view_indicatorkind",
            "reference.view_industryscope", "reference.add_industryscope",
            "accounts.view_user", "accounts.add_user", "accounts.change_user",
            "standards.view_results", "standards.run_assessment", "standards.run_what_if",
            "disclosure.view_listsnapshot", "disclosure.publish_list",
            "credit.view_creditrecord", "credit.retry_push",
        ],
    },
    "coordinator": {
        "label": "统筹协调",
        "permissions": [
            "cases.view_case", "cases.handle_case", "cases.approve_case",
            "registry.view_enterprise", "registry.add_enterprise", "registry.change_enterprise",
            "registry.view_productionline", "registry.add_productionline",
            "registry.change_productionline", "registry.view_indicator", "registry.add_indicator",
            "registry.view_licence", "registry.add_licence", "registry.change_licence",
            "registry.import_registry", "registry.export_registry",
            "registry.view_violation", "registry.add_violation", "registry.change_violation",
            "reference.add_industryscope", "audit.view_auditentry",
            "standards.view_results", "standards.run_assessment", "standards.run_what_if",
            "disclosure.view_listsnapshot", "disclosure.publish_list",
            "credit.view_creditrecord", "credit.retry_push",
        ],
    },
    "handler": {
        "label": "经办",
        "permissions": [
            "cases.view_case", "cases.handle_case",
            "registry.view_enterprise", "registry.change_enterprise",
            "registry.view_productionline", "registry.change_productionline",
            "registry.view_indicator", "registry.add_indicator",
            "registry.view_licence", "registry.add_licence", "registry.change_licence",
            "registry.view_violation", "registry.add_violation", "registry.change_violation",
            "registry.export_registry",
            "standards.view_results", "standards.run_what_if",
            "disclosure.view_listsnapshot", "credit.view_creditrecord",
        ],
    },
    "viewer": {
        "label": "查看",
        "permissions": [
            "cases.view_case",
            "registry.view_enterprise", "registry.view_productionline",
            "registry.view_indicator", "registry.view_licence", "registry.export_registry",
            "registry.view_violation",
            "standards.view_results", "standards.run_what_if",
            "disclosure.view_listsnapshot", "credit.view_creditrecord",
        ],
    },
    "enterprise": {
        "label": "企业用户",
        "permissions": [
            "cases.view_case",
            "registry.view_enterprise", "registry.view_productionline",
            "registry.view_indicator", "registry.view_licence",
            "standards.view_results",  # its own lines only (accounts.scope)
        ],
    },
}


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def roles_sync(report=None) -> None:
    """Create or update the role groups so they hold exactly the permissions above."""
    for name, spec in ROLES.items():
        group, created = Group.objects.get_or_create(name=name)
        wanted = {_permission(p).pk for p in spec["permissions"]}
        current = set(group.permissions.values_list("pk", flat=True))
        if wanted != current:
            group.permissions.set(wanted)
        if report is not None:
            report.count("role", created, wanted != current)
