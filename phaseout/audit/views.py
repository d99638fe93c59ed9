"""The audit trail page. Permission from the URL table; scope is the reader's
`request.scope` (attached by accounts' middleware)."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render

from phaseout.audit.selectors import EntryFilters, action_choices, entry_search


def entry_list(request):
    """The audit trail, newest first, filtered by action, object and actor."""
    filters = EntryFilters.from_query(request.GET)
    entries = entry_search(scope=request.scope, filters=filters)
    page = Paginator(entries, settings.REGISTRY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/entry_list.html", {
        "page": page, "filters": filters, "actions": action_choices(),
        "query_without_page": query.urlencode(),
    })
