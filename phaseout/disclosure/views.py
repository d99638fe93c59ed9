"""Pages of the yellow and red lists: the draft with its publish button, the published
snapshots with their hashes, withdrawal, and the public page of the lists in force."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from phaseout.accounts.scope import Kind, scope_of
from phaseout.disclosure.forms import PublishForm
from phaseout.disclosure.models import LIST_CHOICES, LIST_KINDS, ListSnapshot, Membership
from phaseout.disclosure.selectors import (
    list_draft,
    list_places,
    public_cities,
    public_lists,
    snapshot_withdrawn_ids,
)
from phaseout.disclosure.services import DisclosureError, list_publish, list_withdraw
from phaseout.reference.models import Department, Division

PUBLISH = "disclosure.publish_list"


def _default_city(scope) -> str:
    """A city official's own city; nobody else has a default."""
    if scope.kind != Kind.CITY:
        return ""
    return (Division.objects.filter(pk=scope.division_id).values_list("code", flat=True).first()
            or "")


def _default_department(scope) -> str:
    return (Department.objects.filter(pk=scope.department_id).values_list("code", flat=True)
            .first() or "")


def _place(request, source):
    """The list asked for (kind, department, city) if the user may see and publish it; else 404
    so that nothing tells a user about lists outside their place."""
    places = list_places(request.user)
    scope = scope_of(request.user)
    kind = source.get("kind") or Membership.YELLOW
    department_code = source.get("department") or _default_department(scope)
    city_code = source.get("city", _default_city(scope))
    department = Department.objects.filter(code=department_code).first()
    city = (Division.objects.filter(code=city_code, level=Division.Level.CITY).first()
            if city_code else None)
    if (kind not in LIST_KINDS or department is None or (city_code and city is None)
            or not places.allows(department, city)):
        raise Http404("No such list in your area.")
    return kind, department, city, places


def _draft_page(request, kind, department, city, places, form: PublishForm, status=200):
    rows = list_draft(kind=kind, department=department, city=city,
                      as_of=timezone.localdate())
    return render(request, "disclosure/list_draft.html", {
        "kind": kind, "kind_label": Membership(kind).label, "department": department,
        "city": city, "places": places, "kinds": LIST_CHOICES, "rows": rows,
        "pending": sum(r.pending for r in rows), "today": timezone.localdate(),
        "can_publish": scope_of(request.user).has(PUBLISH), "form": form,
    }, status=status)


def list_draft_view(request):
    """Today's draft of a department's yellow or red list, for review before publishing."""
    kind, department, city, places = _place(request, request.GET)
    return _draft_page(request, kind, department, city, places, PublishForm())


@require_POST
def list_publish_view(request):
    """Publish the draft once the official has ticked the confirmation on the form; without
    it, the draft is shown again with the reason (400) and nothing is published."""
    kind, department, city, places = _place(request, request.POST)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _draft_page(request, kind, department, city, places, form, status=400)
    snapshot = list_publish(kind=kind, department=department, city=city, actor=request.user)
    messages.success(request, _("Published the %(kind)s with %(n)d rows.")
                     % {"kind": Membership(kind).label, "n": snapshot.row_count})
    return redirect("disclosure:snapshot-detail", pk=snapshot.pk)


def _visible_snapshots(user):
    places = list_places(user)
    return ListSnapshot.objects.filter(department__in=[d.pk for d in places.departments]).filter(
        Q(city__in=[c.pk for c in places.cities]) | Q(city__isnull=True))


def _snapshot_for(user, pk: int) -> ListSnapshot:
    try:
        return _visible_snapshots(user).select_related(
            "department", "city", "published_by", "withdrawn_of").get(pk=pk)
    except ListSnapshot.DoesNotExist as exc:
        raise Http404("No such list in your area.") from exc


def snapshot_list(request):
    """Every publication and withdrawal in the user's place, newest first, with its hash."""
    snapshots = _visible_snapshots(request.user).select_related(
        "department", "city", "published_by", "withdrawn_of")
    kind = request.GET.get("kind", "")
    if kind in LIST_KINDS:
        snapshots = snapshots.filter(kind=kind)
    page = Paginator(snapshots, settings.REGISTRY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "disclosure/snapshot_list.html", {
        "page": page, "kind": kind, "kinds": LIST_CHOICES,
        "withdrawn": snapshot_withdrawn_ids(page.object_list),
    })


def snapshot_detail(request, pk: int):
    snapshot = _snapshot_for(request.user, pk)
    withdrawal = snapshot.withdrawals.select_related("published_by").first()
    places = list_places(request.user)
    return render(request, "disclosure/snapshot_detail.html", {
        "snapshot": snapshot, "withdrawal": withdrawal,
        "can_withdraw": (scope_of(request.user).has(PUBLISH) and withdrawal is None
                         and not snapshot.is_withdrawal
                         and places.allows(snapshot.department, snapshot.city)),
    })


@require_POST
def snapshot_withdraw(request, pk: int):
    snapshot = _snapshot_for(request.user, pk)
    if not list_places(request.user).allows(snapshot.department, snapshot.city):
        raise Http404("No such list in your area.")
    try:
        list_withdraw(snapshot=snapshot, reason=request.POST.get("reason", ""),
                      actor=request.user)
    except DisclosureError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The list was withdrawn; the public page no longer "
                                    "shows it."))
    return redirect("disclosure:snapshot-detail", pk=snapshot.pk)


def public_list_page(request):
    """The yellow and red lists in force, per city, for everyone (P4)."""
    cities = public_cities()
    code = request.GET.get("city", "")
    city = next((c for c in cities if c.code == code), None)
    lists = public_lists(city=city)
    return render(request, "disclosure/public_lists.html", {
        "cities": cities, "city": city, "yellow": lists[Membership.YELLOW],
        "red": lists[Membership.RED],
    })
