"""Open311 jurisdictions: each kota/kabupaten of the deployment is one (issue 17, item 5).

A `jurisdiction_id` is the city's Kemendagri code (`32.01`); the first city also answers to the
`open311.jurisdiction_id` parameter (a one-city deployment's value from before). The spec makes
`jurisdiction_id` optional and "only required if the endpoint serves multiple jurisdictions":
a GET without it answers every city (so a client written for one city keeps working, and its
requests carry their city), a POST without it goes to its key's city."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from paseban.services.cases.open311_keys import Open311Error
from paseban.services.reference import cities
from paseban.services.reference import store as ref


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    jurisdiction_id: str  # what a client sends
    city: str  # the city's code: cases.city
    name: str  # Kota Bogor
    ticket_prefix: str  # BGR: the start of its service_request_ids


def jurisdictions(conn: sa.Connection) -> list[Jurisdiction]:
    """The deployment's jurisdictions, the first city first."""
    legacy = ref.get_parameter(conn, "open311.jurisdiction_id")
    return [
        Jurisdiction(str(legacy) if legacy and c.first else c.code, c.code, c.name, c.ticket_prefix)
        for c in cities.all_cities(conn)
    ]


def chosen(conn: sa.Connection, given: str | None) -> str | None:
    """The city a `jurisdiction_id` names (its code), or None when none was given. A value that
    names no city of the deployment is refused (404, as an unknown resource)."""
    value = (given or "").strip()
    if not value:
        return None
    known = jurisdictions(conn)
    for j in known:
        if value in (j.jurisdiction_id, j.city):
            return j.city
    names = ", ".join(f"{j.jurisdiction_id} ({j.name})" for j in known)
    raise Open311Error(404, f"jurisdiction_id {value!r} tidak dilayani di sini (pilihan: {names})")


def check_key_city(conn: sa.Connection, key_city: str, city: str | None) -> None:
    """A key posts into its own city only: a jurisdiction_id of another city is refused (403)."""
    if city is None or city == key_city:
        return
    mine = cities.city_of(conn, key_city)
    other = cities.city_of(conn, city)
    raise Open311Error(
        403,
        f"api_key ini untuk {mine.name if mine else key_city}, "
        f"bukan untuk {other.name if other else city}",
    )
