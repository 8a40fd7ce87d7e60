"""Cloud fixtures: a real PostgreSQL (a fresh database per test module), the fake OpenRouter,
the fake Supabase Auth, the app in-process and as live uvicorn processes."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from photo_score_cloud.api.main import create_app
from photo_score_cloud.migrate import migrate
from photo_score_cloud.settings import CloudSettings

from tests.cloud import pg
from tests.cloud.helpers import CloudDb, InProcessServer, LiveServer
from tests.fakes.openrouter import FakeOpenRouter

SCHEMATHESIS_CASES: dict[str, int] = {}


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg.PgServer]:
    server = pg.server()
    yield server
    server.stop()


def fresh_database(server: pg.PgServer) -> CloudDb:
    name = f"pscloud_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    db = CloudDb(owner_url=server.url(name), app_url=server.url(name, user="authenticator"))
    migrate(db.owner_url)
    return db


def drop_database(server: pg.PgServer, db: CloudDb) -> None:
    name = db.owner_url.rsplit("/", 1)[1]
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def cloud_db(pg_server: pg.PgServer) -> Iterator[CloudDb]:
    """A freshly migrated database for this test module, dropped afterwards."""
    db = fresh_database(pg_server)
    yield db
    drop_database(pg_server, db)


@pytest.fixture(scope="session")
def fake_openrouter() -> Iterator[FakeOpenRouter]:
    fake = FakeOpenRouter().start()
    yield fake
    fake.stop()


@pytest.fixture
def openrouter(fake_openrouter: FakeOpenRouter) -> FakeOpenRouter:
    fake_openrouter.reset()
    return fake_openrouter


@pytest.fixture(scope="session")
def vision_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default roster with no retries, so a scripted failure fails at once."""
    path = tmp_path_factory.mktemp("cloud") / "scoring.yaml"
    path.write_text("name: cloud-tests\nvision:\n  max_retries: 0\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cloud_env(
    cloud_db: CloudDb, fake_openrouter: FakeOpenRouter, vision_config: Path
) -> dict[str, str]:
    """The environment of a production-mode deployment against the test database."""
    return {
        "ENVIRONMENT": "production",
        "DATABASE_URL": cloud_db.app_url,
        "DATABASE_MIGRATION_URL": cloud_db.owner_url,
        "AUTH_PROVIDER": "builtin",
        "AUTH_JWT_SECRET": secrets.token_urlsafe(48),
        "OPENROUTER_API_KEY": "sk-or-fake-key",
        "OPENROUTER_BASE_URL": fake_openrouter.url,
        "SCORING_CONFIG": str(vision_config),
        "TRIAL_CREDITS": "5",
        "RATE_LIMIT_PER_MINUTE": "100000",
        "INFERENCE_RATE_LIMIT_PER_MINUTE": "100000",
        "AUTH_RATE_LIMIT_PER_MINUTE": "100000",
        "DATABASE_POOL_MAX": "20",
    }


def settings_from(env: dict[str, str], **overrides: str) -> CloudSettings:
    merged = {**env, **overrides}
    return CloudSettings.model_validate({k.lower(): v for k, v in merged.items()})


@pytest.fixture(scope="module")
def settings(cloud_env: dict[str, str]) -> CloudSettings:
    return settings_from(cloud_env)


@pytest.fixture(scope="module")
def server(settings: CloudSettings) -> Iterator[InProcessServer]:
    """The app on uvicorn in a thread of this process (real sockets, real lifespan)."""
    running = InProcessServer(create_app(settings)).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(server: InProcessServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as http:
        yield http


@pytest.fixture(scope="module")
def live_pair(cloud_env: dict[str, str]) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two API processes on loopback ports sharing the module's database."""
    first = LiveServer(cloud_env, workers=2).start()  # `serve --workers N` works too
    second = LiveServer(cloud_env).start()
    yield first, second
    first.stop()
    second.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SCHEMATHESIS_CASES:
        total = sum(SCHEMATHESIS_CASES.values())
        parts = ", ".join(f"{k}: {v}" for k, v in sorted(SCHEMATHESIS_CASES.items()))
        terminalreporter.write_line(f"schemathesis: {total} generated cases ({parts})")
