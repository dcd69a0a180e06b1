"""The weather tool: current conditions and a 3-day forecast from Open-Meteo.

Open-Meteo needs no API key. A place name is geocoded first, then the forecast is fetched
for its coordinates. This is the one built-in tool that uses the network, so it declares
``network=True`` and runs only after the user approves. The URLs and the HTTP client can be
replaced (tests use a local server; ``FIRESIDE_OPEN_METEO_GEOCODING_URL`` and
``FIRESIDE_OPEN_METEO_FORECAST_URL`` point the installed tool at a mirror).
"""

from __future__ import annotations

import os
from datetime import date
from typing import Annotated, Any

import httpx
from fireside.plugins.hookspecs import hookimpl
from fireside.plugins.tools import Tool, ToolError

GEOCODING_URL = "https://geocoding-api.open-meteo.com/v1/search"
FORECAST_URL = "https://api.open-meteo.com/v1/forecast"
TIMEOUT_S = 5.0
CURRENT_FIELDS = (
    "temperature_2m,relative_humidity_2m,apparent_temperature,weather_code,wind_speed_10m"
)
DAILY_FIELDS = "weather_code,temperature_2m_max,temperature_2m_min,precipitation_sum,precipitation_probability_max"

WEATHER_CODES = {
    0: "clear sky",
    1: "mainly clear",
    2: "partly cloudy",
    3: "overcast",
    45: "fog",
    48: "depositing rime fog",
    51: "light drizzle",
    53: "moderate drizzle",
    55: "dense drizzle",
    56: "light freezing drizzle",
    57: "dense freezing drizzle",
    61: "slight rain",
    63: "moderate rain",
    65: "heavy rain",
    66: "light freezing rain",
    67: "heavy freezing rain",
    71: "slight snowfall",
    73: "moderate snowfall",
    75: "heavy snowfall",
    77: "snow grains",
    80: "slight rain showers",
    81: "moderate rain showers",
    82: "violent rain showers",
    85: "slight snow showers",
    86: "heavy snow showers",
    95: "thunderstorm",
    96: "thunderstorm with slight hail",
    99: "thunderstorm with heavy hail",
}


def describe_code(code: Any) -> str:
    try:
        return WEATHER_CODES.get(int(code), f"weather code {code}")
    except (TypeError, ValueError):
        return "unknown conditions"


class OpenMeteo:
    """Two HTTP GETs per lookup; every failure becomes a ``ToolError`` with a clear reason."""

    def __init__(
        self,
        client: httpx.Client | None = None,
        geocoding_url: str | None = None,
        forecast_url: str | None = None,
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        self.client = client
        self.geocoding_url = geocoding_url or os.environ.get(
            "FIRESIDE_OPEN_METEO_GEOCODING_URL", GEOCODING_URL
        )
        self.forecast_url = forecast_url or os.environ.get(
            "FIRESIDE_OPEN_METEO_FORECAST_URL", FORECAST_URL
        )
        self.timeout_s = timeout_s

    def _get(self, url: str, params: dict) -> dict:
        client = self.client or httpx.Client(timeout=self.timeout_s)
        try:
            response = client.get(url, params=params, timeout=self.timeout_s)
            response.raise_for_status()
            data = response.json()
        except httpx.HTTPStatusError as exc:
            raise ToolError(f"Open-Meteo answered HTTP {exc.response.status_code}") from None
        except httpx.TransportError as exc:
            reason = str(exc) or type(exc).__name__
            raise ToolError(f"no network: cannot reach Open-Meteo ({reason})") from None
        except ValueError:
            raise ToolError("Open-Meteo sent a response that is not JSON") from None
        finally:
            if self.client is None:
                client.close()
        if not isinstance(data, dict):
            raise ToolError("Open-Meteo sent an unexpected response")
        return data

    def geocode(self, place: str) -> dict:
        data = self._get(
            self.geocoding_url, {"name": place, "count": 1, "language": "en", "format": "json"}
        )
        results = data.get("results") or []
        if not results:
            raise ToolError(f"no place called {place!r} was found")
        return results[0]

    def forecast(self, latitude: float, longitude: float) -> dict:
        params = {
            "latitude": latitude,
            "longitude": longitude,
            "current": CURRENT_FIELDS,
            "daily": DAILY_FIELDS,
            "timezone": "auto",
            "forecast_days": 3,
        }
        return self._get(self.forecast_url, params)

    def report(self, place: str) -> str:
        place = place.strip()
        if not place:
            raise ToolError("say which place, e.g. Oslo")
        location = self.geocode(place)
        try:
            data = self.forecast(float(location["latitude"]), float(location["longitude"]))
            return format_report(location, data)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ToolError(f"Open-Meteo sent an unexpected response ({exc!r})") from None


def _place_label(location: dict) -> str:
    parts = [location.get("name"), location.get("admin1"), location.get("country")]
    seen: list[str] = []
    for part in parts:
        if part and part not in seen:
            seen.append(str(part))
    return ", ".join(seen)


def format_report(location: dict, data: dict) -> str:
    """Plain lines a small model can repeat: place, now, then one line per day."""
    cur, units = data["current"], data.get("current_units", {})
    deg = units.get("temperature_2m", "°C")
    wind = units.get("wind_speed_10m", "km/h")
    lines = [
        f"Weather for {_place_label(location)}:",
        f"Now: {describe_code(cur.get('weather_code'))}, {cur['temperature_2m']} {deg}"
        f" (feels like {cur.get('apparent_temperature', '?')} {deg}),"
        f" humidity {cur.get('relative_humidity_2m', '?')}%,"
        f" wind {cur.get('wind_speed_10m', '?')} {wind}.",
        "Forecast:",
    ]
    daily = data["daily"]
    for i, day in enumerate(daily["time"][:3]):
        label = date.fromisoformat(day).strftime("%a %d %b")
        line = (
            f"- {label}: {describe_code(daily['weather_code'][i])},"
            f" {daily['temperature_2m_min'][i]} to {daily['temperature_2m_max'][i]} {deg}"
        )
        rain = daily.get("precipitation_sum")
        chance = daily.get("precipitation_probability_max")
        if rain is not None:
            line += f", precipitation {rain[i]} mm"
            if chance is not None and chance[i] is not None:
                line += f" ({chance[i]}% chance)"
        lines.append(line)
    return "\n".join(lines)


def make_weather_tool(service: OpenMeteo | None = None) -> Tool:
    """The ``weather`` tool bound to one Open-Meteo configuration."""
    service = service or OpenMeteo()

    def weather(place: Annotated[str, "A city or place name, e.g. Oslo"]) -> str:
        """Current weather and a 3-day forecast for a place (needs the internet)."""
        return service.report(place)

    return Tool.from_function(weather, network=True, timeout_s=2 * TIMEOUT_S + 2)


@hookimpl
def register_tools(register) -> None:
    register(make_weather_tool())
