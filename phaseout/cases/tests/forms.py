"""Walking the case pages as a person with a browser does: open a page, read the `<form>`s it
renders with a real HTML parser (the standard library's), fill what a person fills and send
it with a client that enforces CSRF, follow the redirect and read the page that comes back.

Nothing here knows the case workflow: a form is what the page renders (action, method,
hidden inputs with the CSRF token and the version, selects with their options, required
fields), and `fill` answers every required field the way a browser user would (a PDF for a
required file, today's date as `<input type=date>` sends it: YYYY-MM-DD, the selected
option, a short text). The generated edge suite (test_pages.py) and other engineers'
browser tests share these helpers.

    browser = Browser(handler)
    page = browser.open(case_url)
    form = page.form("act-recheck")
    after = browser.submit(form, note="整改完成")      # follows the redirect
    assert after.state == "复查"
"""

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ISO_DATE = "%Y-%m-%d"  # what <input type=date> sends and accepts as its value
SAMPLE_TEXT = "现场核实，情况属实"
SAMPLE_URL = "https://www.gd.gov.cn/gkmlpt/content/4/4000/post_4000001.html"


@dataclass
class Field:
    """One control of a form, as rendered."""

    name: str
    kind: str  # the input's type ("text", "hidden", "file", "date", ...), "select", "textarea"
    value: str = ""
    required: bool = False
    checked: bool = False
    attrs: dict = field(default_factory=dict)
    options: list[tuple[str, str, bool]] = field(default_factory=list)  # value, label, selected

    @property
    def selected(self) -> str:
        """What a browser sends for a select left as it is: the selected or first option."""
        chosen = [value for value, _label, on in self.options if on]
        if chosen:
            return chosen[0]
        return self.options[0][0] if self.options else ""


@dataclass
class Form:
    id: str
    action: str
    method: str
    enctype: str
    fields: list[Field] = field(default_factory=list)
    buttons: list[str] = field(default_factory=list)

    def field(self, name: str) -> Field:
        """The field called `name`, or whose name ends with "-name" (prefixed step forms)."""
        for candidate in self.fields:
            if candidate.name == name or candidate.name.endswith(f"-{name}"):
                return candidate
        raise KeyError(f"form {self.id!r} has no field {name!r}: "
                       f"{[f.name for f in self.fields]}")

    def has(self, name: str) -> bool:
        try:
            self.field(name)
        except KeyError:
            return False
        return True

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields if f.required]

    @property
    def hidden(self) -> dict[str, str]:
        return {f.name: f.value for f in self.fields if f.kind == "hidden"}


class _FormParser(HTMLParser):
    """Collects every form of a page with its controls (nested forms do not exist in HTML)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: list | None = None
        self._textarea: Field | None = None
        self._button: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("id", ""), a.get("action", ""), a.get("method", "get").lower(),
                              a.get("enctype", ""))
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            self._input(a)
        elif tag == "select":
            self._select = Field(a.get("name", ""), "select", required="required" in a, attrs=a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "", "selected" in a]
        elif tag == "textarea":
            self._textarea = Field(a.get("name", ""), "textarea", required="required" in a,
                                   attrs=a)
            self._form.fields.append(self._textarea)
        elif tag == "button":
            self._button = []

    def _input(self, a: dict) -> None:
        kind = a.get("type", "text").lower()
        if kind in ("submit", "button", "reset", "image"):
            return
        self._form.fields.append(Field(a.get("name", ""), kind, a.get("value", ""),
                                       required="required" in a, checked="checked" in a,
                                       attrs=a))

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data
        elif self._textarea is not None:
            self._textarea.value += data
        elif self._button is not None:
            self._button.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None:
            value, label, selected = self._option
            self._select.options.append((label.strip() if value is None else value,
                                         label.strip(), selected))
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None and self._textarea.value.startswith("\n"):
                self._textarea.value = self._textarea.value[1:]  # the newline after <textarea>
            self._textarea = None
        elif tag == "button" and self._button is not None:
            if self._form is not None:
                self._form.buttons.append("".join(self._button).strip())
            self._button = None


_VOID = ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr")


class _TextParser(HTMLParser):
    """The text inside the element with an id, and the items of lists inside it."""

    def __init__(self, element_id: str, item_tag: str = "li"):
        super().__init__(convert_charrefs=True)
        self.element_id, self.item_tag = element_id, item_tag
        self.depth = 0  # >0 while inside the element
        self.text: list[str] = []
        self.items: list[list[str]] = []
        self._item_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return  # void elements (<br>, <input>) have no end tag and hold no text
        if self.depth:
            self.depth += 1
            if tag == self.item_tag and not self._item_depth:
                self.items.append([])
                self._item_depth = self.depth
        elif dict(attrs).get("id") == self.element_id:
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth and tag not in _VOID:
            if self._item_depth and self.depth == self._item_depth:
                self._item_depth = 0
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
            if self._item_depth:
                self.items[-1].append(data)


def _squeeze(parts) -> str:
    return " ".join("".join(parts).split())


def element_text(html: str, element_id: str) -> str:
    """The text of the element with this id, whitespace squeezed ('' when absent)."""
    parser = _TextParser(element_id)
    parser.feed(html)
    return _squeeze(parser.text)


def element_items(html: str, element_id: str, item_tag: str = "li") -> list[str]:
    """The texts of the items (list items, table rows) inside the element with this id."""
    parser = _TextParser(element_id, item_tag)
    parser.feed(html)
    return [_squeeze(item) for item in parser.items]


def forms_of(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


@dataclass
class Page:
    """A page as the person sees it."""

    status: int
    html: str
    url: str
    messages: list[tuple[str, str]] = field(default_factory=list)  # (level, text)
    redirected: bool = False

    @property
    def forms(self) -> list[Form]:
        return forms_of(self.html)

    @property
    def post_forms(self) -> list[Form]:
        """The controls that change something: every form sent with POST."""
        return [f for f in self.forms if f.method == "post"]

    def form(self, form_id: str) -> Form:
        found = [f for f in self.forms if f.id == form_id]
        if not found:
            raise AssertionError(f"the page {self.url} offers no form {form_id!r}; it offers "
                                 f"{[f.id for f in self.post_forms]}")
        return found[0]

    def has_form(self, form_id: str) -> bool:
        return any(f.id == form_id for f in self.forms)

    @property
    def state(self) -> str:
        """The case's state badge."""
        return element_text(self.html, "case-state")

    @property
    def history(self) -> list[str]:
        """The rows of the case's history, oldest first."""
        return element_items(self.html, "case-timeline")

    @property
    def error(self) -> str:
        return element_text(self.html, "case-error")

    def text(self, element_id: str) -> str:
        return element_text(self.html, element_id)


def _messages(response) -> list[tuple[str, str]]:
    context = response.context
    if context is None or "messages" not in context:
        return []
    return [(m.level_tag, str(m)) for m in context["messages"]]


def _page(response, url: str) -> Page:
    html = response.content.decode() if response.get("Content-Type", "").startswith(
        "text/html") else ""
    return Page(response.status_code, html, url, _messages(response))


def upload(name: str = "现场照片.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _answer(item: Field, today: dt.date):
    """What a person puts in a required field left empty."""
    if item.kind == "file":
        return upload()
    if item.kind == "date":
        return today.strftime(ISO_DATE)
    if item.kind == "number":
        return item.attrs.get("min") or "1"
    if item.kind == "checkbox":
        return "on"
    if item.kind == "url":
        return SAMPLE_URL
    if item.kind == "select":
        return item.selected
    return SAMPLE_TEXT


def _value(item: Field):
    """What the browser sends for a field as rendered (None: nothing is sent)."""
    if item.kind == "select":
        return item.selected
    if item.kind in ("checkbox", "radio"):
        return (item.value or "on") if item.checked else None
    if item.kind == "file":
        return None
    return item.value


def fill(form: Form, values: dict | None = None, *, today: dt.date | None = None) -> dict:
    """The data a browser sends for the form: hidden inputs (the CSRF token, the version) as
    rendered, `values` (by field name, or by the name after the step prefix), and for every
    required field left empty what a person would enter. Date fields render and send
    YYYY-MM-DD: a value of another shape is refused here as a browser refuses it."""
    values = dict(values or {})
    today = today or timezone.localdate()
    data: dict = {}
    for item in form.fields:
        if not item.name:
            continue
        short = item.name.rsplit("-", 1)[-1] if item.name not in values else item.name
        if item.name in values or short in values:
            given = values.pop(item.name if item.name in values else short)
            if given is not None:
                data[item.name] = given
            continue
        value = _value(item)
        if item.kind == "date" and value:
            dt.datetime.strptime(value, ISO_DATE)  # a browser leaves other shapes blank
        if (value is None or value == "") and item.required:
            value = _answer(item, today)
        if value is not None:
            data[item.name] = value
    unknown = set(values) - {None}
    if unknown:
        raise KeyError(f"form {form.id!r} has no fields {sorted(unknown)}: "
                       f"{[f.name for f in form.fields]}")
    return data


class Browser:
    """One signed-in person with a CSRF-enforcing client. Signs in again when the frozen
    clock has moved past the session (tests travel years ahead to re-inspections)."""

    def __init__(self, user):
        self.user = user
        self.client = Client(enforce_csrf_checks=True)
        self._signed_in_on: dt.date | None = None

    def _sign_in(self) -> None:
        today = timezone.localdate()
        if self._signed_in_on != today:
            self.client.force_login(self.user)
            self._signed_in_on = today

    def open(self, url: str) -> Page:
        self._sign_in()
        return _page(self.client.get(url), url)

    def send(self, form: Form, data: dict, *, page_url: str = "") -> Page:
        """Send the form's data as the browser does (POST multipart, or GET) and follow the
        redirect; the page returned is the one the person lands on."""
        self._sign_in()
        url = form.action or page_url
        if form.method == "post":
            response = self.client.post(url, data, follow=True)
        else:
            response = self.client.get(url, data, follow=True)
        page = _page(response, url)
        page.redirected = bool(response.redirect_chain)
        return page

    def token(self) -> str:
        """This person's own CSRF token: the secret of the cookie a page with a form set, or
        the one of the language form every page of the site carries."""
        cookie = self.client.cookies.get(settings.CSRF_COOKIE_NAME)
        if cookie is not None and cookie.value:
            return cookie.value
        page = self.open(reverse("cases:tasks"))
        return page.form("language-form").hidden["csrfmiddlewaretoken"]

    def forge(self, form: Form, data: dict):
        """Send a form someone else was offered, as this person (with this person's own CSRF
        token), without following: what the page did not offer, the server must refuse."""
        self._sign_in()
        return self.client.post(form.action, {**data, "csrfmiddlewaretoken": self.token()})

    def submit(self, form: Form, values: dict | None = None, **more) -> Page:
        """Fill the form as a person would and send it; the step must have been taken: the
        answer is a redirect to a page without an error message."""
        page = self.send(form, fill(form, {**(values or {}), **more}))
        errors = [text for level, text in page.messages if level == "error"]
        if page.status != 200 or not page.redirected or errors or page.error:
            raise AssertionError(f"sending {form.id!r} to {form.action} answered {page.status}: "
                                 f"{page.error or errors or page.text('form-errors')}")
        return page
