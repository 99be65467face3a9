"""The area a scenario or an observation counts (district, city, province, country)."""

from __future__ import annotations

from simulator.scenario.schema_base import Id, Strict


class Scope(Strict):
    """The area a scenario (or an observation) counts: its finest level given is its scope.

    `{district: dianjun, city: yichang}` counts Dianjun district, which lies in Yichang city.
    Names are ids (`yichang`, not 宜昌市) so that files can be matched.
    """

    district: Id | None = None
    """district (区/县) the figures count, e.g. dianjun"""
    city: Id | None = None
    """city (市) the figures count, or the city the district lies in, e.g. yichang"""
    province: Id | None = None
    """province (省), e.g. hubei"""
    country: Id | None = None
    """country, e.g. china"""

    @property
    def level(self) -> tuple[str, str] | None:
        """(level, name) of the finest level given, e.g. ('district', 'dianjun'); None if empty."""
        for key in SCOPE_LEVELS:
            if getattr(self, key) is not None:
                return key, getattr(self, key)
        return None


SCOPE_LEVELS = ("district", "city", "province", "country")  # finest first
