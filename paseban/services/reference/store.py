"""Store reference data for a city; read it back for the analyzer and the pages."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban import reference
from paseban.domain.wilayah import Level, Opd, OpdKind, Topic, Wilayah, is_within
from paseban.nlp import model
from paseban.nlp import streets as street_data
from paseban.nlp.analyzer import Analyzer
from paseban.nlp.place import Gazetteer
from paseban.routing.rules import Rule, topic_default_rule
from paseban.services.reference import cities
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context

SYSTEM = "sistem"
SEEDED_STREETS = "streets_seeded"  # parameter: the bundled street table was loaded once


def get_parameter(conn: sa.Connection, key: str, default: Any = None) -> Any:
    value = conn.execute(sa.select(t.parameters.c.value).where(t.parameters.c.key == key)).scalar()
    return default if value is None else value


def set_parameter(conn: sa.Connection, key: str, value: Any, *, at: Any, actor: str) -> None:
    exists = conn.execute(sa.select(t.parameters.c.key).where(t.parameters.c.key == key)).scalar()
    values = {"value": value, "updated_at": at, "updated_by": actor}
    if exists:
        conn.execute(sa.update(t.parameters).where(t.parameters.c.key == key).values(**values))
    else:
        conn.execute(sa.insert(t.parameters).values(key=key, **values))


def city_code(ctx: Context) -> str | None:
    with ctx.engine.connect() as conn:
        value = get_parameter(conn, "city_code")
    return str(value) if value else None


def _insert_missing(
    conn: sa.Connection,
    table: sa.FromClause,
    key: str,
    rows: list[dict[str, Any]],
    *,
    into: sa.Table | None = None,
) -> int:
    """Insert the rows whose `key` is not in `table` yet (`into`: the table to write when
    `table` is a part of it, one city's rules)."""
    if not rows:
        return 0
    existing = set(conn.execute(sa.select(table.c[key])).scalars())
    new = [r for r in rows if r[key] not in existing]
    if new:
        target = into if into is not None else table
        assert isinstance(target, sa.Table)
        conn.execute(sa.insert(target), new)
    return len(new)


def load(ctx: Context, code: str = reference.DEFAULT_CITY) -> dict[str, int]:
    """Load a city's reference data. Adds what is missing and never overwrites staff edits;
    running it twice changes nothing. A database holds one city or, for a province, several:
    loading another city adds it (`services.reference.cities`) with its own wilayah, OPDs,
    routing rules and ticket prefix; the topics, intents, urgencies and holidays are shared."""
    data = reference.for_city(code)
    now = ctx.now()
    counts: dict[str, int] = {}
    with ctx.engine.begin() as conn:
        loaded = get_parameter(conn, "city_code")
        city = cities.add_city(conn, data.city.code, data.city.name, at=now)
        known = {o.code for o in data.opds}
        # parents before children (foreign keys)
        ordered = sorted(data.wilayah, key=lambda w: w.level)
        counts["wilayah"] = _insert_missing(
            conn,
            t.wilayah,
            "code",
            [
                {
                    "code": w.code,
                    "name": w.name,
                    "level": int(w.level),
                    "kind": w.kind,
                    "parent_code": w.parent_code if w.level > Level.KABKOTA else None,
                    "postal_code": w.postal_code,
                    "lat": w.lat,
                    "lon": w.lon,
                    "aliases": list(w.aliases),
                }
                for w in ordered
            ],
        )
        counts["opds"] = _insert_missing(
            conn,
            t.opds,
            "code",
            [
                {
                    "code": cities.opd_key(city, o.code),
                    "name": o.name,
                    "handles": o.handles,
                    "kind": o.kind.value,
                    "active": True,
                    "city": city.code,
                }
                for o in data.opds
            ],
        )
        counts["topics"] = _insert_missing(
            conn,
            t.topics,
            "code",
            [
                {
                    "code": tp.code,
                    "name": tp.name,
                    "examples": tp.examples,
                    "default_opd": tp.default_opd,
                    "notes": tp.notes,
                    "active": True,
                }
                for tp in data.topics
            ],
        )
        counts["intents"] = _insert_missing(
            conn,
            t.intents,
            "code",
            [{"code": v.code, "name": v.name, "description": v.description} for v in data.intents],
        )
        counts["urgencies"] = _insert_missing(
            conn,
            t.urgencies,
            "code",
            [
                {"code": v.code, "name": v.name, "description": v.description}
                for v in data.urgencies
            ],
        )
        counts["holidays"] = _insert_missing(
            conn,
            t.holidays,
            "date",
            [{"date": h.date, "name": h.name, "kind": h.kind} for h in data.holidays],
        )
        counts["landmarks"] = _insert_missing(
            conn,
            t.landmarks,
            "name",
            [{"name": n, "aliases": a, "kelurahan": k} for n, a, k in data.landmarks],
        )
        rules = [
            (topic_default_rule(tp.code, tp.default_opd), f"bawaan topik {tp.name}")
            for tp in data.topics
        ]
        rules += list(data.rules)
        counts["routing_rules"] = _insert_missing(
            conn,
            t.routing_rules.select().where(t.routing_rules.c.city == city.code).subquery(),
            "name",
            [
                {
                    "name": r.name,
                    "priority": r.priority,
                    "condition": dict(r.when),
                    "assign_to": (
                        cities.opd_key(city, r.assign_to) if r.assign_to in known else r.assign_to
                    ),
                    "active": True,
                    "notes": note,
                    "updated_at": now,
                    "updated_by": SYSTEM,
                    "city": city.code,
                }
                for r, note in rules
            ],
            into=t.routing_rules,
        )
        streets = seed_streets(conn, data.city.code, at=now)
        counts["streets"] = streets or 0
        if not loaded:
            set_parameter(conn, "city_code", data.city.code, at=now, actor=SYSTEM)
            set_parameter(conn, "city_name", data.city.name, at=now, actor=SYSTEM)
            set_parameter(conn, "ticket_prefix", city.ticket_prefix, at=now, actor=SYSTEM)
    ctx.reset_analyzer()
    return counts


def street_values(street: street_data.Street) -> dict[str, Any]:
    """A checked street as table values (the bare name is implied, not stored as an alias)."""
    bare = street_data.bare_name(street.name)
    return {
        "name": street.name,
        "aliases": [a for a in street.aliases if a != bare],
        "alone": list(street.alone),
        "kelurahan": list(street.kelurahan),
        "generic": street.generic,
        "source": street.source[:200],
    }


def seed_streets(conn: sa.Connection, code: str, *, at: Any) -> int | None:
    """Load the bundled street table once. Returns the rows added (0 when seeded before), or
    None when Paseban ships no street table for this city."""
    table = street_data.bundled(code)
    if not table:
        return None
    if get_parameter(conn, SEEDED_STREETS):
        return 0
    existing = {n.lower() for n in conn.execute(sa.select(t.streets.c.name)).scalars()}
    rows = [
        {**street_values(s), "updated_at": at, "updated_by": SYSTEM}
        for s in table
        if s.name.lower() not in existing
    ]
    if rows:
        conn.execute(sa.insert(t.streets), rows)
    set_parameter(conn, SEEDED_STREETS, True, at=at, actor=SYSTEM)
    return len(rows)


def streets_note(ctx: Context) -> str | None:
    """What `paseban init` says when the city's street table is empty (Paseban ships one for
    Kota Bogor only)."""
    with ctx.engine.connect() as conn:
        if conn.execute(sa.select(t.streets.c.id).limit(1)).first() is not None:
            return None
        name = get_parameter(conn, "city_name", "kota ini")
    return (
        f"tabel jalan {name} kosong: Paseban belum punya daftar jalan untuk kota ini; "
        "tambahkan jalan utama di Pengaturan › Jalan (/pengaturan/jalan) agar pesan yang hanya "
        "menyebut jalan mendapat kelurahannya"
    )


def street_rows(conn: sa.Connection) -> list[dict[str, Any]] | None:
    """The street rows for `streets.from_rows`; None while the table was never seeded (a
    database from before the table existed: the bundled table is used)."""
    rows = [dict(r) for r in conn.execute(sa.select(t.streets)).mappings()]
    if not rows and not get_parameter(conn, SEEDED_STREETS):
        return None
    return rows


# --- reading ---------------------------------------------------------------------------------


def wilayah_all(conn: sa.Connection) -> list[Wilayah]:
    rows = conn.execute(sa.select(t.wilayah).order_by(t.wilayah.c.code)).mappings()
    return [
        Wilayah(
            r["code"],
            r["name"],
            Level(r["level"]),
            r["kind"],
            r["parent_code"],
            r["postal_code"],
            r["lat"],
            r["lon"],
            tuple(r["aliases"] or ()),
        )
        for r in rows
    ]


def opds_all(conn: sa.Connection) -> list[Opd]:
    rows = conn.execute(sa.select(t.opds).order_by(t.opds.c.code)).mappings()
    return [Opd(r["code"], r["name"], r["handles"], OpdKind(r["kind"]), r["city"]) for r in rows]


def topics_all(conn: sa.Connection) -> list[Topic]:
    rows = conn.execute(sa.select(t.topics).order_by(t.topics.c.code)).mappings()
    return [Topic(r["code"], r["name"], r["examples"], r["default_opd"], r["notes"]) for r in rows]


def active_rules(conn: sa.Connection, city: str | None = None) -> list[Rule]:
    """The active routing rules of a city (None: of every city)."""
    query = sa.select(t.routing_rules).where(t.routing_rules.c.active.is_(True))
    if city is not None:
        query = query.where(t.routing_rules.c.city == city)
    rows = conn.execute(query).mappings()
    return [Rule(r["name"], r["condition"], r["assign_to"], r["priority"]) for r in rows]


def topic_names(conn: sa.Connection) -> dict[str, str]:
    return dict(conn.execute(sa.select(t.topics.c.code, t.topics.c.name)).all())


def urgency_names(conn: sa.Connection) -> dict[str, str]:
    return dict(conn.execute(sa.select(t.urgencies.c.code, t.urgencies.c.name)).all())


def intent_names(conn: sa.Connection) -> dict[str, str]:
    return dict(conn.execute(sa.select(t.intents.c.code, t.intents.c.name)).all())


def holiday_dates(conn: sa.Connection) -> frozenset[date]:
    return frozenset(conn.execute(sa.select(t.holidays.c.date)).scalars())


def build_analyzer(ctx: Context, city: str | None = None) -> tuple[Analyzer, bool]:
    """The analyzer of one city (None: the first): its wilayah, landmarks and streets only, so
    a message on Kota Bogor's account is never placed in Kabupaten Bogor's Cibinong; and
    whether it is the first city's."""
    with ctx.engine.connect() as conn:
        chosen = cities.city_of(conn, city)
        code = chosen.code if chosen is not None else None

        def ours(kelurahan: str | None) -> bool:
            return code is None or (kelurahan is not None and is_within(kelurahan, code))

        regions = [w for w in wilayah_all(conn) if ours(w.code)]
        marks = [
            (r["name"], list(r["aliases"] or []), r["kelurahan"])
            for r in conn.execute(sa.select(t.landmarks)).mappings()
            if ours(r["kelurahan"])
        ]
        rows = street_rows(conn)
    if rows is not None and code is not None:
        rows = [r for r in rows if any(ours(k) for k in r["kelurahan"] or ())]
    # the street table staff edit; a database that never had one uses the bundled table
    table = street_data.from_rows(rows) if rows is not None else None
    analyzer = Analyzer(Gazetteer(regions, marks, streets=table), model.bundled())
    return analyzer, chosen is None or chosen.first
