from django.shortcuts import render

from phaseout.core.figures import home_charts, today_for
from phaseout.registry.selectors import dashboard


def home(request):
    """The landing page. An official: what needs them today (their deadlines, approvals and
    notices), charts of the area's cases and assessment, then the registry's figures. An
    enterprise account: its own enterprise and lines."""
    user = request.user
    return render(request, "core/home.html", {
        "dashboard": dashboard(user=user),
        "today": today_for(user),
        "figures": home_charts(user),
    })
