"""Row-level security, proven in the database: connect as the API's login role, become
user A the way the API does, and try to reach user B's rows in every user table."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import errors

from tests.cloud.helpers import CloudDb

USER_TABLES = (
    "credits",
    "transactions",
    "cached_attributes",
    "scoring_configs",
    "personality_profiles",
    "inference_requests",
)
IMAGE = "ab" * 32


@pytest.fixture(scope="module")
def users(cloud_db: CloudDb) -> tuple[str, str]:
    a, b = cloud_db.create_user(), cloud_db.create_user()
    for uid in (a, b):
        cloud_db.set_balance(uid, 10)
        cloud_db.query(
            "INSERT INTO cached_attributes (user_id, image_id, attributes) VALUES (%s, %s, '{}')",
            [uid, IMAGE],
        )
        cloud_db.query(
            "INSERT INTO scoring_configs (user_id, name, config) VALUES (%s, 'mine', '{}')", [uid]
        )
        cloud_db.query(
            "INSERT INTO personality_profiles (user_id, profile) VALUES (%s, '{}')", [uid]
        )
        cloud_db.query(
            "INSERT INTO inference_requests (user_id, image_id, status, lease_expires_at) "
            "VALUES (%s, %s, 'done', now())",
            [uid, IMAGE],
        )
    return a, b


class AsUser:
    """A connection as `authenticator` doing exactly what the API does per request."""

    def __init__(self, url: str, user_id: str | None, role: str = "authenticated") -> None:
        self.conn = psycopg.connect(url, autocommit=True)
        self.user_id = user_id
        self.role = role

    def run(self, sql: str, params: Any = None) -> tuple[int, list[tuple[Any, ...]]]:
        with self.conn.transaction():
            claims = {} if self.user_id is None else {"sub": self.user_id, "role": self.role}
            self.conn.execute(
                "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
                [self.role, json.dumps(claims)],
            )
            cur = self.conn.execute(sql, params)
            return cur.rowcount, (cur.fetchall() if cur.description else [])


@pytest.fixture
def as_a(cloud_db: CloudDb, users: tuple[str, str]) -> Iterator[AsUser]:
    session = AsUser(cloud_db.app_url, users[0])
    yield session
    session.conn.close()


@pytest.mark.parametrize("table", USER_TABLES)
def test_a_reads_only_own_rows(as_a: AsUser, users: tuple[str, str], table: str) -> None:
    a, b = users
    _, rows = as_a.run(f"SELECT DISTINCT user_id::text FROM {table}")
    assert rows == [(a,)]  # A's own rows are visible; B's are not
    _, rows = as_a.run(f"SELECT count(*) FROM {table} WHERE user_id = %s", [b])
    assert rows == [(0,)]


@pytest.mark.parametrize("table", USER_TABLES)
def test_a_cannot_update_or_delete_b_rows(
    as_a: AsUser, users: tuple[str, str], cloud_db: CloudDb, table: str
) -> None:
    b = users[1]
    before = cloud_db.query(f"SELECT to_jsonb(t) FROM {table} t WHERE user_id = %s", [b])
    for sql in (
        f"UPDATE {table} SET user_id = user_id WHERE user_id = %s",
        f"DELETE FROM {table} WHERE user_id = %s",
    ):
        try:
            count, _ = as_a.run(sql, [b])
        except errors.InsufficientPrivilege:
            continue  # read-only table for users: refused outright
        assert count == 0  # writable table: B's rows are invisible to the statement
    after = cloud_db.query(f"SELECT to_jsonb(t) FROM {table} t WHERE user_id = %s", [b])
    assert after == before


INSERTS = {
    "credits": "INSERT INTO credits (user_id, balance) VALUES (%s, 1000)",
    "transactions": "INSERT INTO transactions (user_id, amount, type, balance_after) "
    "VALUES (%s, 1000, 'purchase', 1000)",
    "cached_attributes": "INSERT INTO cached_attributes (user_id, image_id, attributes) "
    "VALUES (%s, repeat('c', 64), '{}')",
    "scoring_configs": "INSERT INTO scoring_configs (user_id, name, config) VALUES (%s, 'x', '{}')",
    "personality_profiles": "INSERT INTO personality_profiles (user_id, profile) VALUES (%s, '{}')",
    "inference_requests": "INSERT INTO inference_requests (user_id, image_id, status, "
    "lease_expires_at) VALUES (%s, repeat('c', 64), 'done', now())",
}


@pytest.mark.parametrize("table", USER_TABLES)
def test_a_cannot_insert_rows_for_b(as_a: AsUser, users: tuple[str, str], table: str) -> None:
    with pytest.raises((errors.InsufficientPrivilege, errors.CheckViolation)):
        as_a.run(INSERTS[table], [users[1]])


def test_a_cannot_change_own_balance_or_ledger(
    as_a: AsUser, users: tuple[str, str], cloud_db: CloudDb
) -> None:
    a = users[0]
    with pytest.raises(errors.InsufficientPrivilege):
        as_a.run("UPDATE credits SET balance = 1000000 WHERE user_id = %s", [a])
    with pytest.raises(errors.InsufficientPrivilege):
        as_a.run(
            "INSERT INTO transactions (user_id, amount, type, balance_after) "
            "VALUES (%s, 1000, 'purchase', 1010)",
            [a],
        )
    with pytest.raises(errors.InsufficientPrivilege):
        as_a.run("DELETE FROM transactions WHERE user_id = %s AND amount < 0", [a])
    with pytest.raises(errors.InsufficientPrivilege):
        as_a.run(INSERTS["credits"], [a])
    with pytest.raises(errors.InsufficientPrivilege):
        as_a.run("UPDATE inference_requests SET status = 'failed' WHERE user_id = %s", [a])
    assert cloud_db.balance(a) == 10 == cloud_db.ledger_sum(a)


def test_private_schemas_are_out_of_reach(as_a: AsUser) -> None:
    for sql in (
        "SELECT * FROM cloud_private.sessions",
        "SELECT * FROM cloud_private.refresh_tokens",
        "DELETE FROM cloud_private.rate_limits",
        "SELECT * FROM procrastinate.procrastinate_jobs",
        "SELECT * FROM auth.users",
    ):
        with pytest.raises(errors.InsufficientPrivilege):
            as_a.run(sql)


def test_a_can_write_own_data(as_a: AsUser, users: tuple[str, str]) -> None:
    count, _ = as_a.run(
        "UPDATE scoring_configs SET name = 'renamed' WHERE user_id = %s", [users[0]]
    )
    assert count == 1
    count, _ = as_a.run(
        "INSERT INTO scoring_configs (name, config) VALUES ('defaulted owner', '{}')"
    )
    assert count == 1
    with pytest.raises(errors.CheckViolation):  # is_public is reserved
        as_a.run("UPDATE scoring_configs SET is_public = true WHERE user_id = %s", [users[0]])


def test_no_claims_and_anon_see_nothing(cloud_db: CloudDb, users: tuple[str, str]) -> None:
    nobody = AsUser(cloud_db.app_url, None)
    anon = AsUser(cloud_db.app_url, users[0], role="anon")
    try:
        _, rows = nobody.run("SELECT count(*) FROM cached_attributes")
        assert rows == [(0,)]
        with pytest.raises(errors.InsufficientPrivilege):
            anon.run("SELECT * FROM cached_attributes")
    finally:
        nobody.conn.close()
        anon.conn.close()


def test_the_login_role_alone_has_no_table_access(cloud_db: CloudDb, users: Any) -> None:
    with psycopg.connect(cloud_db.app_url, autocommit=True) as conn:
        assert conn.execute(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone() == (False,)
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM credits")


def test_every_table_has_rls(cloud_db: CloudDb) -> None:
    missing = cloud_db.query(
        """
        SELECT n.nspname || '.' || c.relname FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND NOT c.relrowsecurity
          AND n.nspname IN ('public', 'auth', 'cloud_private', 'procrastinate')
        """
    )
    assert missing == []
