"""Language choice: Simplified Chinese unless the user picked English with the switch.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an official on an
English-language browser would get English pages. Here only the explicit choice (the language
cookie set by the switch in the header) counts."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import check_for_language


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen and check_for_language(chosen) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
