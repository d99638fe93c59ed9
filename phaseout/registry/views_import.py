from django.http import Http404


def _pending(request, *args, **kwargs):
    raise Http404


line_export = import_upload = template_download = _pending
