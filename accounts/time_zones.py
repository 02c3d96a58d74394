"""Time-zone names a person can choose, and the country each belongs to.

Python's zoneinfo knows every name (aliases such as `Asia/Calcutta` or `Africa/Timbuktu`
included) but no countries. Both come from the `tzdata` package, which ships IANA's own files
and is updated with each tz release:
- zone.tab: one row per (country, zone) with the names people know for their own place
  (Europe/Stockholm for Sweden, Europe/Mariehamn for Åland). zone1970.tab, its successor for
  programs that only need distinct clocks, folds Sweden's zone into Europe/Berlin and lists a
  zone under several countries, which would show a Swede "Berlin" and give them German public
  holidays. A person chooses a place, so zone.tab is the list;
- tzdata.zi's link lines (`L target alias`): what an old name stands for today. Browsers still
  report some old names (Chromium says "Asia/Calcutta"); they are read as the current one.
"""

from __future__ import annotations

import functools
from importlib import resources

# Offered besides the places of zone.tab: for a person who keeps their calendar in UTC.
UTC = "UTC"


def _read(name: str) -> str:
    return resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")


@functools.cache
def zone_countries() -> dict[str, str]:
    """Every current zone name people choose from, with its ISO 3166 country code."""
    zones = {}
    for line in _read("zone.tab").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        country, _coordinates, zone, *_comments = line.split("\t")
        zones[zone] = country
    return dict(sorted(zones.items()))


@functools.cache
def _links() -> dict[str, str]:
    links = {}
    for line in _read("tzdata.zi").splitlines():
        if line.startswith("L "):
            _l, target, alias = line.split()
            links[alias] = target
    return links


def aliases() -> dict[str, str]:
    """Old names (as some browsers report them) and the chosen name each stands for."""
    zones = zone_countries()
    return {
        alias: canonical
        for alias in _links()
        if alias not in zones and (canonical := canonical_zone(alias)) is not None
    }


def canonical_zone(name: str) -> str | None:
    """The name in the list that `name` stands for, or None when it stands for none."""
    zones = zone_countries()
    name = (name or "").strip()
    if name in zones or name == UTC:
        return name
    seen = set()
    while name in _links() and name not in seen:
        seen.add(name)
        name = _links()[name]
        if name in zones:
            return name
    if name in {"Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu"}:
        return UTC
    return None


def place_name(zone: str) -> str:
    """A zone as the list of places names it: "New York" for America/New_York,
    "Argentina / Buenos Aires" for America/Argentina/Buenos_Aires, "UTC" for UTC."""
    _region, slash, place = zone.partition("/")
    return place.replace("_", " ").replace("/", " / ") if slash else zone


def country_of(zone: str) -> str:
    """The ISO 3166 code of the country a zone is in ("" for UTC or an unknown name)."""
    return zone_countries().get(canonical_zone(zone) or "", "")
