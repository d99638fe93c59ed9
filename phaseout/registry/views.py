from django.http import Http404


def _pending(request, *args, **kwargs):
    raise Http404


line_list = line_detail = line_status = enterprise_list = enterprise_detail = enterprise_edit = _pending
