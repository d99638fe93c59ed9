"""Issuing and downloading a case's official documents. Permissions come from the URL table
(accounts.permissions); region and department scope from the one scope (accounts.scope),
through cases.access.get_case_for."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from phaseout.accounts.scope import scope_of
from phaseout.cases.access import get_case_for
from phaseout.documents.models import OfficialDocument
from phaseout.documents.services import DocumentError, document_issue


def _back(request, case_pk: int):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(reverse("documents:case-documents", args=[case_pk]))


@require_POST
def document_issue_view(request, case_pk: int):
    case = get_case_for(request.user, case_pk, write=True)
    try:
        document = document_issue(case=case, kind=request.POST.get("kind", ""),
                                  actor=request.user)
    except DocumentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Issued %(kind)s %(number)s.")
                         % {"kind": document.get_kind_display(), "number": document.number})
    return _back(request, case.pk)


def case_documents(request, case_pk: int):
    case = get_case_for(request.user, case_pk)
    return render(request, "documents/case_documents.html", {"case": case})


def document_download(request, pk: int, fmt: str):
    if fmt not in ("docx", "pdf"):
        raise Http404("Documents are kept as docx and pdf.")
    try:
        within = scope_of(request.user).cases("case__")
        document = OfficialDocument.objects.filter(within).get(pk=pk)
    except OfficialDocument.DoesNotExist as exc:  # also outside the user's scope
        raise Http404("No such document in your area.") from exc
    stored = document.docx if fmt == "docx" else document.pdf
    return FileResponse(stored.open("rb"), as_attachment=True,
                        filename=f"{document.get_kind_display()}-{document.number}.{fmt}")
