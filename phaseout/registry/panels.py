"""Panels that floors above the registry add to its pages (the line page shows the
standards engine's verdicts, for instance). The registry cannot import those floors, so
they register a function here from their AppConfig.ready(); `grep -rn line_panel phaseout`
lists every panel.

A panel function takes `(request, line)` and returns rendered HTML, or None to show
nothing (e.g. when the reader lacks the permission)."""

from collections.abc import Callable

from django.utils.safestring import SafeString

LinePanel = Callable[..., SafeString | None]

_LINE_PANELS: list[LinePanel] = []


def line_panel(fn: LinePanel) -> LinePanel:
    """Register a panel of the production line page (idempotent)."""
    if fn not in _LINE_PANELS:
        _LINE_PANELS.append(fn)
    return fn


def line_panels(request, line) -> list[SafeString]:
    return [html for fn in _LINE_PANELS if (html := fn(request, line)) is not None]
