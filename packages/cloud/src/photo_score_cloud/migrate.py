"""Versioned schema migrations: plain SQL files, each applied in its own transaction and recorded.

Why not Alembic: the schema is mostly things Alembic cannot autogenerate (roles, RLS
policies, grants, SQL functions, procrastinate's schema), so revisions would be hand-written
SQL anyway. Here a migration is a numbered ``.sql`` file in this package, applied in order
through psycopg (which runs multi-statement scripts), inside a transaction that also records
it in ``cloud_private.schema_migrations`` with its checksum. A transaction-scoped advisory
lock lets several replicas run ``migrate`` at boot without racing. A file that changed after
it was applied is an error, never silently re-run.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from importlib import resources

import psycopg
from procrastinate.schema import SchemaManager

log = logging.getLogger(__name__)

_LOCK_KEY = 0x70686F746F  # "photo": serialises concurrent `migrate` runs on one database
_RECORD_TABLE = """
CREATE SCHEMA IF NOT EXISTS cloud_private;
CREATE TABLE IF NOT EXISTS cloud_private.schema_migrations (
    version text PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE cloud_private.schema_migrations ENABLE ROW LEVEL SECURITY;
"""


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


class MigrationError(RuntimeError):
    pass


def _jobs_schema() -> str:
    """procrastinate's schema, in its own schema so no job table sits in `public`."""
    return (
        "CREATE SCHEMA procrastinate;\n"
        "SET LOCAL search_path TO procrastinate, pg_catalog;\n"
        + SchemaManager.get_schema()
        + "\nGRANT USAGE ON SCHEMA procrastinate TO service_role;"
        "\nGRANT ALL ON ALL TABLES IN SCHEMA procrastinate TO service_role;"
        "\nGRANT ALL ON ALL SEQUENCES IN SCHEMA procrastinate TO service_role;"
        "\nGRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA procrastinate TO service_role;"
        "\nDO $$ DECLARE t regclass; BEGIN"
        " FOR t IN SELECT oid FROM pg_class WHERE relkind = 'r'"
        " AND relnamespace = 'procrastinate'::regnamespace"
        " LOOP EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t); END LOOP;"
        " END $$;"
    )


def migrations() -> list[Migration]:
    """Every migration, in order: the SQL files of this package plus the job queue's schema."""
    folder = resources.files(__package__).joinpath("migrations")
    found = [
        Migration(entry.name[:4], entry.name[5:-4], entry.read_text("utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    ]
    found.append(Migration("0003", "job_queue", _jobs_schema()))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"duplicate migration versions: {versions}")
    return found


def applied(conn: psycopg.Connection) -> dict[str, str]:
    """version → checksum of what this database has applied (empty for a new database)."""
    exists = conn.execute("SELECT to_regclass('cloud_private.schema_migrations')").fetchone()
    if exists is None or exists[0] is None:
        return {}
    rows = conn.execute("SELECT version, checksum FROM cloud_private.schema_migrations")
    return {str(v): str(c) for v, c in rows.fetchall()}


def migrate(url: str) -> list[str]:
    """Bring the database at ``url`` up to date; returns the versions applied now."""
    done: list[str] = []
    with psycopg.connect(url, autocommit=True) as conn:
        for migration in migrations():
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
                conn.execute(_RECORD_TABLE)
                have = applied(conn)
                if migration.version in have:
                    if have[migration.version] != migration.checksum:
                        raise MigrationError(
                            f"migration {migration.version}_{migration.name} changed after it "
                            "was applied; add a new migration instead of editing an old one"
                        )
                    continue
                log.info("applying migration %s_%s", migration.version, migration.name)
                conn.execute(migration.sql.encode())
                conn.execute(
                    "INSERT INTO cloud_private.schema_migrations (version, name, checksum) "
                    "VALUES (%s, %s, %s)",
                    [migration.version, migration.name, migration.checksum],
                )
                done.append(migration.version)
    return done
