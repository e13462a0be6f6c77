"""Country names as ACLED writes them, shared by the events stage and the exports.

ACLED's name where it differs from pycountry's common name ("Palestine", not "Palestine,
State of"); the list is data (``acled.country_names`` in ``data/record.yaml``).
"""

from __future__ import annotations

import functools

import pycountry

from . import data


@functools.lru_cache(maxsize=1)
def _acled_names() -> dict[str, str]:
    return dict(data.section("record.yaml", "acled", "country_names"))


@functools.lru_cache(maxsize=512)
def country_name(alpha2: str) -> str:
    """ACLED's name for an ISO 3166-1 alpha-2 code (the code itself when unknown)."""
    code = alpha2.upper()
    if code in _acled_names():
        return _acled_names()[code]
    c = pycountry.countries.get(alpha_2=code)
    return (getattr(c, "common_name", None) or c.name) if c else alpha2
