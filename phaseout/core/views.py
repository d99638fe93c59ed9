from django.shortcuts import render

from phaseout.registry.selectors import dashboard


def home(request):
    """The landing page: what the user's region (or enterprise) holds, by industry."""
    return render(request, "core/home.html", {"dashboard": dashboard(user=request.user)})
