"""The standards engine's panel on the registry's line page: every verdict of the latest
run with measured value, limit, parameter and citation (registered in apps.py)."""

from django.template.loader import render_to_string

from phaseout.registry.panels import line_panel
from phaseout.standards.selectors import line_verdicts


@line_panel
def verdicts_panel(request, line):
    if not request.user.has_perm("standards.view_results"):
        return None
    return render_to_string("standards/_line_verdicts.html",
                            {"verdicts": line_verdicts(line=line), "line": line},
                            request=request)
