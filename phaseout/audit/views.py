from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render

from phaseout.audit.selectors import KNOWN_ACTIONS, EntryFilters, entry_search


def entry_list(request):
    """The audit trail, newest first, filtered by action, object and actor."""
    filters = EntryFilters.from_query(request.GET)
    entries = entry_search(user=request.user, filters=filters)
    page = Paginator(entries, settings.REGISTRY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/entry_list.html", {
        "page": page, "filters": filters, "actions": KNOWN_ACTIONS,
        "query_without_page": query.urlencode(),
    })
