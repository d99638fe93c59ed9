"""Pages for registry files: uploading an import, downloading the templates and exporting
what the user may see. Permissions come from the URL table (accounts.permissions); region
scope is applied by registry.importing and registry.exporting from the user passed in."""

import tempfile

from django import forms
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from phaseout.registry.columns import SPECS
from phaseout.registry.exporting import (
    export_csv,
    export_xlsx,
    kinds_for,
    template_csv,
    template_xlsx,
)
from phaseout.registry.importing import import_file

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    dry_run = forms.BooleanField(label=_("Trial run: check the file and show what would change, "
                                         "without writing"), required=False)


@require_http_methods(["GET", "POST"])
def import_upload(request):
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = import_file(file=upload, filename=upload.name, actor=request.user,
                                 dry_run=form.cleaned_data["dry_run"])
    else:
        form = ImportForm()
    return render(request, "registry/import.html",
                  {"form": form, "report": report, "specs": SPECS.values()})


def _xlsx_response(write, filename: str) -> FileResponse:
    # A workbook is a zip written at the end, so it is built in a temporary file (on disk
    # once large) rather than in memory.
    handle = tempfile.TemporaryFile()
    write(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


@require_GET
def template_download(request, kind: str, fmt: str):
    try:
        kinds = kinds_for(kind)
    except KeyError as exc:
        raise Http404("No such template.") from exc
    name = SPECS[kind].sheet if kind in SPECS else "登记"
    if fmt == "xlsx":
        return _xlsx_response(lambda out: template_xlsx(out, kinds), f"{name}导入模板.xlsx")
    if fmt == "csv" and kind in SPECS:
        response = HttpResponse(template_csv(kind), content_type=CSV_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, f"{name}导入模板.csv")
        return response
    raise Http404("No such template.")


@require_GET
def line_export(request):
    fmt = request.GET.get("format", "xlsx")
    kind = request.GET.get("kind") or ("all" if fmt == "xlsx" else "lines")
    try:
        kinds = kinds_for(kind)
    except KeyError as exc:
        raise Http404("No such export.") from exc
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        return _xlsx_response(
            lambda out: export_xlsx(out, actor=request.user, kinds=kinds, params=request.GET),
            f"产能登记导出-{stamp}.xlsx")
    if fmt == "csv" and kind in SPECS:
        response = StreamingHttpResponse(export_csv(kind, actor=request.user, params=request.GET),
                                         content_type=CSV_TYPE)
        filename = f"{SPECS[kind].sheet}导出-{stamp}.csv"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    raise Http404("No such export.")
