"""Officials' view of credit records and the state of their pushes to the credit platform,
with a way to send a refused push again once its cause is corrected."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from phaseout.accounts.scope import scope_of
from phaseout.credit.models import CreditPush, CreditRecord
from phaseout.credit.services import CreditError, credit_push_retry
from phaseout.registry.access import visible_enterprises

RETRY = "credit.retry_push"


def record_list(request):
    """Credit records of enterprises in the user's region, newest first, with their pushes."""
    records = (CreditRecord.objects.filter(enterprise__in=visible_enterprises(request.user))
               .prefetch_related(Prefetch("pushes", CreditPush.objects.order_by("created_at"))))
    page = Paginator(records, settings.REGISTRY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "credit/record_list.html", {
        "page": page, "configured": bool(settings.CREDIT_PLATFORM_URL),
        "can_retry": scope_of(request.user).has(RETRY),
    })


@require_POST
def push_retry(request, pk: int):
    try:
        push = CreditPush.objects.get(
            pk=pk, record__enterprise__in=visible_enterprises(request.user))
    except CreditPush.DoesNotExist as exc:
        raise Http404("No such credit push in your area.") from exc
    try:
        credit_push_retry(push=push, actor=request.user)
    except CreditError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The push is queued and will be sent on the next run."))
    return redirect("credit:record-list")
