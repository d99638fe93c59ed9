"""URL_PERMISSIONS: every named URL and what it takes to open it. The middleware enforces
it for pages, the API's auth class for API operations, and a test fails when a URL is
missing here. Object scope (region, enterprise) is then checked by accounts.scope.

Values: PUBLIC (anyone), LOGIN (any signed-in user), STAFF (Django admin), or a
permission "app_label.codename".
"""

PUBLIC = "public"
LOGIN = "login"
STAFF = "staff"

URL_PERMISSIONS: dict[str, str] = {
    # core
    "core:home": LOGIN,
    "set_language": PUBLIC,
    "javascript-catalog": PUBLIC,
    # accounts
    "accounts:login": PUBLIC,
    "accounts:logout": LOGIN,
    # registry workbench
    "registry:line-list": "registry.view_productionline",
    "registry:line-export": "registry.export_registry",
    "registry:line-detail": "registry.view_productionline",
    "registry:line-status": "registry.change_productionline",
    "registry:indicator-add": "registry.add_indicator",
    "registry:violation-add": "registry.add_violation",
    "registry:violation-resolve": "registry.change_violation",
    "registry:indicator-evidence": "registry.view_indicator",
    "registry:enterprise-list": "registry.view_enterprise",
    "registry:enterprise-detail": "registry.view_enterprise",
    "registry:enterprise-edit": "registry.change_enterprise",
    "registry:import": "registry.import_registry",
    "registry:template": "registry.import_registry",
    # audit
    "audit:entry-list": "audit.view_auditentry",
    # standards engine: assessment results, runs, what-if, surcharge calculator
    "standards:dashboard": "standards.view_results",
    "standards:run-list": "standards.view_results",
    "standards:run-create": "standards.run_assessment",
    "standards:run-detail": "standards.view_results",
    "standards:run-progress": "standards.view_results",
    "standards:finding-list": "standards.view_results",
    "standards:what-if": "standards.run_what_if",
    "standards:calculator": LOGIN,
    # enforcement cases: tasks, list, case page and its steps (scope: accounts.scope)
    "cases:tasks": "cases.view_case",
    "cases:notification-read": "cases.view_case",
    "cases:case-list": "cases.view_case",
    "cases:case-detail": "cases.view_case",
    "cases:evidence-download": "cases.view_case",
    "cases:case-act": "cases.handle_case",
    "cases:case-propose": "cases.handle_case",
    "cases:case-approve": "cases.approve_case",
    "cases:case-decline": "cases.approve_case",
    # the enterprise sends applications, reports and evidence on its own case
    "cases:case-submit": "cases.view_case",
    "cases:case-open": "cases.handle_case",
    "cases:open-from-run": "cases.approve_case",
    # official documents of a case (scope: cases.access.get_case_for)
    "documents:case-documents": "cases.view_case",
    "documents:issue": "cases.handle_case",
    "documents:download": "cases.view_case",
    # disclosure: yellow and red lists (P4); the public page is open to everyone
    "disclosure:list-draft": "disclosure.view_listsnapshot",
    "disclosure:list-publish": "disclosure.publish_list",
    "disclosure:snapshot-list": "disclosure.view_listsnapshot",
    "disclosure:snapshot-detail": "disclosure.view_listsnapshot",
    "disclosure:snapshot-withdraw": "disclosure.publish_list",
    "disclosure:public-lists": PUBLIC,
    # credit: records pushed to the provincial public credit platform (W2)
    "credit:record-list": "credit.view_creditrecord",
    "credit:push-retry": "credit.retry_push",
    # exit of lines, acceptance and re-inspection (cases.views_exit; scope: get_case_for)
    "cases:exit-evidence-add": "cases.handle_case",
    "cases:exit-plan": "cases.handle_case",
    "cases:exit-item-record": "cases.handle_case",
    "cases:exit-pledge-record": "cases.handle_case",
    "cases:exit-announce": "cases.handle_case",
    "cases:exit-complete": "cases.handle_case",
    "cases:acceptance-record": "cases.handle_case",
    "cases:acceptance-approve": "cases.approve_case",
    "cases:exit-archive": "cases.handle_case",
    "cases:reinspection-record": "cases.handle_case",
    "cases:exit-reorder": "cases.approve_case",
    # JSON API (django-ninja); the API's own auth class applies these
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api:api-root": PUBLIC,  # ninja's root: a 404 that names the docs URL
    "api:enterprise-list": "registry.view_enterprise",
    "api:enterprise-create": "registry.add_enterprise",
    "api:enterprise-get": "registry.view_enterprise",
    "api:enterprise-update": "registry.change_enterprise",
    "api:line-list": "registry.view_productionline",
    "api:line-create": "registry.add_productionline",
    "api:line-get": "registry.view_productionline",
    "api:line-update": "registry.change_productionline",
    "api:indicator-list": "registry.view_indicator",
    "api:indicator-create": "registry.add_indicator",
    "api:licence-list": "registry.view_licence",
    "api:licence-create": "registry.add_licence",
    "api:token-create": LOGIN,
    "api:assessment-run-list": "standards.view_results",
    "api:line-verdicts": "standards.view_results",
    "api:surcharge-quote": LOGIN,
}

# The admin checks staff status itself; every admin URL falls under this prefix.
PREFIX_PERMISSIONS: dict[str, str] = {"admin:": STAFF}


def required_for(view_name: str | None) -> str | None:
    """The requirement for a URL name, or None when it is not in the table."""
    if view_name is None:
        return None
    if view_name in URL_PERMISSIONS:
        return URL_PERMISSIONS[view_name]
    for prefix, requirement in PREFIX_PERMISSIONS.items():
        if view_name.startswith(prefix):
            return requirement
    return None


def allows(user, requirement: str | None) -> bool:
    if requirement is None:
        return False  # a URL missing from the table is closed, never open by accident
    if requirement == PUBLIC:
        return True
    if not (user.is_authenticated and user.is_active):
        return False
    if requirement == LOGIN:
        return True
    if requirement == STAFF:
        return user.is_staff
    return user.has_perm(requirement)
