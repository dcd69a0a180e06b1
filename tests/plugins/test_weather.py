"""The weather tool against a local HTTP server that answers like Open-Meteo."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from fireside.plugins.builtin.weather import OpenMeteo, describe_code, make_weather_tool
from fireside.plugins.tools import run_tool

GEOCODE_OSLO = {
    "results": [
        {
            "id": 3143244,
            "name": "Oslo",
            "latitude": 59.91273,
            "longitude": 10.74609,
            "elevation": 26.0,
            "feature_code": "PPLC",
            "country_code": "NO",
            "timezone": "Europe/Oslo",
            "population": 580000,
            "country": "Norway",
            "admin1": "Oslo",
        }
    ],
    "generationtime_ms": 0.9,
}
GEOCODE_NOTHING = {"generationtime_ms": 0.4}
FORECAST = {
    "latitude": 59.9,
    "longitude": 10.75,
    "generationtime_ms": 0.1,
    "utc_offset_seconds": 7200,
    "timezone": "Europe/Oslo",
    "timezone_abbreviation": "CEST",
    "elevation": 26.0,
    "current_units": {
        "time": "iso8601",
        "interval": "seconds",
        "temperature_2m": "°C",
        "relative_humidity_2m": "%",
        "apparent_temperature": "°C",
        "weather_code": "wmo code",
        "wind_speed_10m": "km/h",
    },
    "current": {
        "time": "2024-05-01T12:00",
        "interval": 900,
        "temperature_2m": 12.3,
        "relative_humidity_2m": 55,
        "apparent_temperature": 10.9,
        "weather_code": 3,
        "wind_speed_10m": 14.2,
    },
    "daily_units": {"time": "iso8601", "temperature_2m_max": "°C"},
    "daily": {
        "time": ["2024-05-01", "2024-05-02", "2024-05-03"],
        "weather_code": [3, 61, 0],
        "temperature_2m_max": [14.1, 11.0, 17.5],
        "temperature_2m_min": [6.2, 5.0, 4.4],
        "precipitation_sum": [0.0, 7.3, 0.0],
        "precipitation_probability_max": [10, 85, 0],
    },
}


class OpenMeteoHandler(BaseHTTPRequestHandler):
    requests: list = []
    fail_forecast = False

    def do_GET(self):  # noqa: N802 - http.server's name
        url = urlparse(self.path)
        query = parse_qs(url.query)
        self.requests.append((url.path, query))
        if url.path == "/v1/search":
            body = GEOCODE_OSLO if query["name"][0].lower() == "oslo" else GEOCODE_NOTHING
        elif url.path == "/v1/forecast" and not self.fail_forecast:
            body = FORECAST
        else:
            self.send_error(500)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    handler = type("Handler", (OpenMeteoHandler,), {"requests": [], "fail_forecast": False})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield base, handler
    httpd.shutdown()
    httpd.server_close()


def service_for(base: str) -> OpenMeteo:
    return OpenMeteo(geocoding_url=f"{base}/v1/search", forecast_url=f"{base}/v1/forecast")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_current_conditions_and_three_day_forecast(server):
    base, handler = server
    outcome = run_tool(make_weather_tool(service_for(base)), {"place": "Oslo"})
    assert not outcome.is_error, outcome.output
    lines = outcome.output.splitlines()
    assert lines[0] == "Weather for Oslo, Norway:"
    assert lines[1] == (
        "Now: overcast, 12.3 °C (feels like 10.9 °C), humidity 55%, wind 14.2 km/h."
    )
    assert lines[3] == "- Wed 01 May: overcast, 6.2 to 14.1 °C, precipitation 0.0 mm (10% chance)"
    assert lines[4].startswith("- Thu 02 May: slight rain, 5.0 to 11.0 °C, precipitation 7.3 mm")
    assert len(lines) == 6
    (geo_path, geo_q), (fc_path, fc_q) = handler.requests
    assert geo_path == "/v1/search" and geo_q["name"] == ["Oslo"] and geo_q["count"] == ["1"]
    assert fc_path == "/v1/forecast"
    assert fc_q["latitude"] == ["59.91273"] and fc_q["forecast_days"] == ["3"]
    assert "weather_code" in fc_q["current"][0] and "temperature_2m_max" in fc_q["daily"][0]


def test_unknown_place(server):
    base, _ = server
    outcome = run_tool(make_weather_tool(service_for(base)), {"place": "Atlantis"})
    assert outcome.is_error
    assert outcome.output == "no place called 'Atlantis' was found"


def test_server_errors_are_reported(server):
    base, handler = server
    handler.fail_forecast = True
    outcome = run_tool(make_weather_tool(service_for(base)), {"place": "Oslo"})
    assert outcome.is_error and outcome.output == "Open-Meteo answered HTTP 500"


def test_no_network_is_a_clear_error():
    base = f"http://127.0.0.1:{closed_port()}"
    outcome = run_tool(make_weather_tool(service_for(base)), {"place": "Oslo"})
    assert outcome.is_error
    assert outcome.output.startswith("no network: cannot reach Open-Meteo (")


def test_an_injected_client_is_used_and_left_open(server):
    import httpx

    base, handler = server
    with httpx.Client() as client:
        service = OpenMeteo(client, f"{base}/v1/search", f"{base}/v1/forecast", timeout_s=2)
        assert "Oslo" in service.report("Oslo")
        assert "Oslo" in service.report("oslo")  # the client is still usable
    assert len(handler.requests) == 4


def test_the_tool_declares_network_access_and_defaults_to_https(monkeypatch):
    monkeypatch.delenv("FIRESIDE_OPEN_METEO_GEOCODING_URL", raising=False)
    monkeypatch.delenv("FIRESIDE_OPEN_METEO_FORECAST_URL", raising=False)
    tool = make_weather_tool()
    assert tool.network and tool.needs_approval
    assert tool.parameters["required"] == ["place"]
    service = OpenMeteo()
    assert service.geocoding_url.startswith("https://geocoding-api.open-meteo.com/")
    assert service.forecast_url.startswith("https://api.open-meteo.com/")


@pytest.mark.parametrize(
    "code, words",
    [(0, "clear sky"), (63, "moderate rain"), (95, "thunderstorm"), (42, "weather code 42")],
)
def test_weather_codes_in_words(code, words):
    assert describe_code(code) == words
