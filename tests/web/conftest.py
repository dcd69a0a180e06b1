"""The local web (tests/web/site.py) and an app whose web settings point at it."""

from __future__ import annotations

import pytest

from tests.web.site import Site


@pytest.fixture
def site():
    with Site() as served:
        yield served


def point_at(app, site, **changes) -> None:
    """Web searches go to the site's SearXNG endpoint, and its pages may be read."""

    def change(settings) -> None:
        web = settings.web
        web.engine = "searxng"
        web.searxng_url = site.base
        web.private_hosts = [site.host_port]
        web.timeout_s = 3.0
        for key, value in changes.items():
            setattr(web, key, value)

    app.settings_store.update(change)


@pytest.fixture
def web_app(site):
    """The real app (plugins, documents, settings) with a scripted model."""
    from tests.desktop.fakes import scripted_app

    app = scripted_app()
    point_at(app, site)
    yield app
    app.close()
