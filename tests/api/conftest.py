from __future__ import annotations

import pytest

from tests.api.helpers import real_services, start


@pytest.fixture(scope="module")
def real_server(smollm_path, tmp_path_factory):
    """One server per module over the bundled SmolLM2 (loaded once)."""
    services = real_services(tmp_path_factory.mktemp("api-home"), smollm_path)
    server = start(services, max_body_bytes=64 * 1024)
    yield server
    server.stop()
    services.models.close()
