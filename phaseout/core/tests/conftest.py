"""Fixtures of the browser tests (browsing.py has their helpers): none is autouse."""

import pytest
import time_machine
from django.core.management import call_command

from phaseout.core.tests.browsing import ASYNC_UNSAFE, NOW, build_world


@pytest.fixture(scope="module")
def reference_data_restored(django_db_blocker):
    # Module scope: this teardown runs after the function-level flush of the module's tests.
    yield
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)


@pytest.fixture
def frozen(settings, monkeypatch):
    """The clock at NOW, ticking; cookies that live as long as the browser."""
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600  # the clock may be moved by years
    settings.CSRF_COOKIE_AGE = None
    monkeypatch.setenv(ASYNC_UNSAFE, "true")
    traveller = time_machine.travel(NOW, tick=True)
    shifted = traveller.start()
    yield shifted
    traveller.stop()


@pytest.fixture
def shaoguan_world(transactional_db, frozen, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ASSESSMENT_INLINE = True
    return build_world()
