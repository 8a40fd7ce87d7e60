"""Versioned, transactional schema migrations for the local SQLite cache.

Each migration runs once, in its own transaction, and is recorded in
``schema_migrations``. Never edit a released migration: add a new one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from photo_score.errors import CacheError


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "initial",
        """
        -- Path index: unchanged (path, size, mtime_ns) is never re-hashed. Paths are stored
        -- as bytes (os.fsencode) so non-UTF-8 file names survive.
        CREATE TABLE files (
            path BLOB PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            image_id TEXT NOT NULL,
            seen_at TEXT NOT NULL
        );
        CREATE INDEX files_image_id ON files(image_id);

        -- What the file says about itself (EXIF), once per distinct content.
        CREATE TABLE images (
            image_id TEXT PRIMARY KEY,
            metadata TEXT NOT NULL,
            created_at TEXT NOT NULL
        );

        -- One analyzer's output per image; the key is DESIGN §3's. The six attributes are
        -- columns so re-scoring 100,000 photos is one scan; the rest is in payload.
        CREATE TABLE results (
            image_id TEXT NOT NULL,
            analyzer TEXT NOT NULL,
            model TEXT NOT NULL,
            version TEXT NOT NULL,
            composition REAL,
            subject_strength REAL,
            visual_appeal REAL,
            sharpness REAL,
            exposure_balance REAL,
            noise_level REAL,
            confidence REAL,
            cost_usd REAL NOT NULL DEFAULT 0,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (image_id, analyzer, model, version)
        );

        -- Raw per-task vision-model replies, so changing one prompt re-runs one task.
        CREATE TABLE inference_calls (
            image_id TEXT NOT NULL,
            task TEXT NOT NULL,
            model TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            response TEXT NOT NULL,
            cost_usd REAL NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            PRIMARY KEY (image_id, task, model, prompt_version)
        );

        -- Files that failed, keyed like the path index: an unchanged broken file is
        -- reported again without being decoded again.
        CREATE TABLE failures (
            path BLOB PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            error TEXT NOT NULL,
            failed_at TEXT NOT NULL
        );
        """,
    ),
    Migration(
        2,
        "library_folders",
        """
        -- The desktop library: folders the user added. Paths are real paths (symlinks
        -- resolved) stored as bytes, like files.path; only files inside them are served.
        CREATE TABLE library_folders (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            path BLOB NOT NULL UNIQUE,
            added_at TEXT NOT NULL
        );
        """,
    ),
    Migration(
        3,
        "sync",
        """
        -- Cloud sync (DESIGN §7). A namespace is "<server url> <user id>": the cursor, the
        -- outbox and what was pulled belong to one account on one server, so two accounts
        -- on one machine never mix.
        CREATE TABLE sync_state (
            namespace TEXT PRIMARY KEY,
            server_url TEXT NOT NULL,
            user_id TEXT NOT NULL,
            cursor INTEGER NOT NULL DEFAULT 0,
            last_sync_at TEXT,
            last_error TEXT,
            last_error_at TEXT
        );

        -- The account signed in on this device (one row); NULL namespace = signed out.
        CREATE TABLE sync_active (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            namespace TEXT
        );
        INSERT INTO sync_active (id, namespace) VALUES (1, NULL);

        -- Images whose results changed on this device, queued in the same transaction as
        -- the change (by the triggers below). namespace = the account signed in then; NULL
        -- (signed out) is pushed by the next account that syncs.
        CREATE TABLE sync_outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            namespace TEXT,
            image_id TEXT NOT NULL,
            queued_at TEXT NOT NULL
        );
        CREATE INDEX sync_outbox_image ON sync_outbox(image_id);

        -- Results that arrived from an account: never pushed to another account.
        CREATE TABLE sync_origin (
            image_id TEXT NOT NULL,
            analyzer TEXT NOT NULL,
            model TEXT NOT NULL,
            version TEXT NOT NULL,
            namespace TEXT NOT NULL,
            PRIMARY KEY (image_id, analyzer, model, version)
        );

        -- The server's version of each image as this device last learned it, and the outbox
        -- position at that moment: a change queued later was made knowing that version.
        CREATE TABLE sync_known (
            namespace TEXT NOT NULL,
            image_id TEXT NOT NULL,
            scored_at TEXT NOT NULL,
            seq INTEGER NOT NULL,
            mark INTEGER NOT NULL,
            PRIMARY KEY (namespace, image_id)
        );

        -- Non-empty only inside a merge transaction: pulled rows are not local changes.
        CREATE TABLE sync_merging (flag INTEGER);

        CREATE TRIGGER sync_results_insert AFTER INSERT ON results
        WHEN NOT EXISTS (SELECT 1 FROM sync_merging)
        BEGIN
            DELETE FROM sync_origin WHERE image_id = NEW.image_id
                AND analyzer = NEW.analyzer AND model = NEW.model AND version = NEW.version;
            INSERT INTO sync_outbox (namespace, image_id, queued_at)
                VALUES ((SELECT namespace FROM sync_active WHERE id = 1), NEW.image_id,
                        strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
        END;

        CREATE TRIGGER sync_results_update AFTER UPDATE ON results
        WHEN NOT EXISTS (SELECT 1 FROM sync_merging)
        BEGIN
            DELETE FROM sync_origin WHERE image_id = NEW.image_id
                AND analyzer = NEW.analyzer AND model = NEW.model AND version = NEW.version;
            INSERT INTO sync_outbox (namespace, image_id, queued_at)
                VALUES ((SELECT namespace FROM sync_active WHERE id = 1), NEW.image_id,
                        strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
        END;

        -- Everything scored before sync existed goes to the first account that syncs.
        INSERT INTO sync_outbox (namespace, image_id, queued_at)
            SELECT DISTINCT NULL, image_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM results;
        """,
    ),
    Migration(
        4,
        "absolute_paths",
        """
        -- Paths are stored absolute from now on (discover makes them so). A relative one
        -- was relative to a working directory nobody recorded, so it cannot be converted:
        -- it is dropped. Only the hashing shortcut is lost; results are keyed by content,
        -- so the next run re-hashes the file and finds its analysis again. Absolute here
        -- is POSIX "/…", or Windows "C:…" with either slash, and "//" or two backslashes
        -- for a network share.
        DELETE FROM files WHERE NOT (
            substr(path, 1, 1) = X'2F'
            OR substr(path, 2, 2) IN (X'3A5C', X'3A2F')
            OR substr(path, 1, 2) = X'5C5C'
        );
        DELETE FROM failures WHERE NOT (
            substr(path, 1, 1) = X'2F'
            OR substr(path, 2, 2) IN (X'3A5C', X'3A2F')
            OR substr(path, 1, 2) = X'5C5C'
        );
        """,
    ),
)


def current_version(conn: sqlite3.Connection) -> int:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    row = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection, migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    """Bring the schema up to date; returns the version reached.

    Each step reads the version and applies the next migration inside one write
    transaction, so two processes opening a new cache at once (the CLI and the desktop
    sidecar, say) cannot both apply it. Refuses a cache written by a newer photo-score
    instead of guessing at its layout.
    """
    latest = migrations[-1].version if migrations else 0
    while True:
        conn.execute("BEGIN IMMEDIATE")  # the write lock, before reading the version
        try:
            version = current_version(conn)
            if version > latest:
                raise CacheError(
                    f"the cache schema is version {version} but this photo-score knows only "
                    f"up to {latest}; upgrade photo-score or point PHOTO_SCORE_HOME elsewhere"
                )
            pending = [m for m in migrations if m.version > version]
            if not pending:
                conn.execute("COMMIT")
                return version
            migration = pending[0]
            for statement in _statements(migration.sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at)"
                " VALUES (?, ?, datetime('now'))",
                (migration.version, migration.name),
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (executescript would commit implicitly)."""
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    statements: list[str] = []
    pending = ""
    for piece in "\n".join(lines).split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):  # a trigger's BEGIN … END holds semicolons
            if pending.strip(" \n;"):
                statements.append(pending.strip().removesuffix(";").strip())
            pending = ""
    if pending.strip(" \n;"):
        statements.append(pending.strip().removesuffix(";").strip())
    return statements
