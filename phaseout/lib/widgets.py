"""Form widgets shared by every app."""

from django import forms


class IsoDateInput(forms.DateInput):
    """`<input type=date>` takes and gives YYYY-MM-DD only; rendered in the locale's format
    (2025/12/31 in Chinese) the browser shows it blank. Always ISO, whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
