from django.http import HttpResponse


def entry_list(request):
    return HttpResponse("ok")
