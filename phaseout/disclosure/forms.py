"""The publish form: publishing cannot be undone (a publication is only ever withdrawn by a
new entry), so the official confirms, on the form itself, that they checked the list. The
confirmation is a required field checked by the server, not a JavaScript prompt."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        required=True,
        label=_("I have checked the list and confirm its publication (it cannot be changed "
                "once published)"),
        error_messages={"required": _("Tick the confirmation to publish: check the list first, "
                                      "a publication cannot be changed.")})
