"""Configuration read from the environment, with safe local defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]
# Signed sessions and reset links are only as strong as the key: 32 bytes, as token_hex(16) gives.
MIN_SECRET_KEY_BYTES = 32
MEGABYTE = 1024 * 1024
# Room for a multipart body's boundaries, headers and small fields beside its one file.
MULTIPART_ALLOWANCE = 64 * 1024


class ConfigError(RuntimeError):
    """The environment does not describe a runnable Mitra."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def instance_path() -> Path:
    """The instance folder: databases, secrets, outgoing mail on the embedded default."""
    return Path(os.environ.get("MITRA_INSTANCE_PATH") or REPO_ROOT / "instance").resolve()


def _secret_key(env: str, folder: Path) -> str:
    key = os.environ.get("SECRET_KEY")
    if key and env == "production" and len(key.encode()) < MIN_SECRET_KEY_BYTES:
        raise ConfigError(
            f"SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes when MITRA_ENV=production "
            f"(it is {len(key.encode())}); e.g. python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if key:
        return key
    if env == "production":
        raise ConfigError(
            "SECRET_KEY is required when MITRA_ENV=production; "
            "set it to a long random string, e.g. the output of\n"
            "  python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    # Development and tests: generate once and keep it, so sessions survive restarts.
    key_file = folder / "secret_key"
    if not key_file.exists():
        folder.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def check_base_url(value: str) -> str:
    """MITRA_BASE_URL as every absolute link starts: an absolute http(s) URL, no query."""
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(
            f"MITRA_BASE_URL must be an absolute http:// or https:// URL such as "
            f"https://mitra.example.go.id, not {value!r}"
        )
    return value.strip().rstrip("/")


def _base_url(env: str, host: str, port: int) -> str:
    value = os.environ.get("MITRA_BASE_URL")
    if value:
        return check_base_url(value)
    if env == "production":
        raise ConfigError(
            "MITRA_BASE_URL is required when MITRA_ENV=production: the address people open "
            "Mitra at, e.g. https://mitra.example.go.id; every link in an e-mail starts with it"
        )
    # Development and tests: the address `mitra up` prints.
    return f"http://{host}:{port}"


def _trusted_proxies() -> int:
    value = os.environ.get("MITRA_TRUSTED_PROXIES", "").strip() or "0"
    if not value.isdigit():
        raise ConfigError(f"MITRA_TRUSTED_PROXIES must be a number of proxy hops (0 or more), not {value!r}")
    return int(value)


def _upload_megabytes() -> int:
    value = os.environ.get("MITRA_MAX_UPLOAD_MB", "").strip() or "10"
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(
            f"MITRA_MAX_UPLOAD_MB must be a whole number of megabytes (1 or more), not {value!r}"
        )
    return int(value)


def _storage_url() -> str:
    value = os.environ.get("MITRA_STORAGE_URL", "").strip()
    if value and not (value.startswith(("s3://", "file://", "/"))):
        raise ConfigError(
            f"MITRA_STORAGE_URL must be an absolute directory or s3://bucket/prefix, not {value!r}"
        )
    if value.startswith("s3://") and len(urlsplit(value).netloc) < 3:
        raise ConfigError(f"MITRA_STORAGE_URL names no bucket: {value!r}")
    return value


def from_environment() -> dict:
    """Build the Flask config mapping from the process environment."""
    env = os.environ.get("MITRA_ENV", "development")
    if env not in {"development", "production", "test"}:
        raise ConfigError(f"MITRA_ENV must be development, production or test, not {env!r}")
    folder = instance_path()
    folder.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'mitra.db'}"
    # Heroku-style URLs name the old driver; psycopg 3 is the one installed.
    if database_url.startswith(("postgres://", "postgresql://")):
        database_url = "postgresql+psycopg://" + database_url.split("://", 1)[1]
    broker_url = os.environ.get("BROKER_URL") or f"sqla+sqlite:///{folder / 'broker.db'}"
    host = os.environ.get("MITRA_HOST") or "127.0.0.1"
    port = int(os.environ.get("MITRA_PORT") or "5000")
    return {
        "MITRA_ENV": env,
        "INSTANCE_PATH": str(folder),
        "SECRET_KEY": _secret_key(env, folder),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BROKER_URL": broker_url,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _bool(os.environ.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _bool(os.environ.get("MAIL_USE_SSL")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "Mitra <mitra@localhost>"),
        # Where `mitra up` binds the web server unless --host/--port say otherwise.
        "MITRA_HOST": host,
        "MITRA_PORT": port,
        "MITRA_BASE_URL": _base_url(env, host, port),
        # Host names besides MITRA_BASE_URL's that requests may carry (mitra/links.py).
        "MITRA_TRUSTED_HOSTS": [
            h.strip() for h in os.environ.get("MITRA_TRUSTED_HOSTS", "").split(",") if h.strip()
        ],
        "MITRA_HEALTH_TOKEN": os.environ.get("MITRA_HEALTH_TOKEN") or None,
        # Reverse proxies in front of Mitra whose X-Forwarded-For/Proto/Host are believed.
        "MITRA_TRUSTED_PROXIES": _trusted_proxies(),
        # A request may carry one file of MITRA_MAX_UPLOAD_MB plus its form fields; a JSON
        # body stays at MAX_JSON_BYTES (api/requests.py), whatever uploads may weigh.
        "MITRA_MAX_UPLOAD_BYTES": _upload_megabytes() * MEGABYTE,
        "MAX_CONTENT_LENGTH": _upload_megabytes() * MEGABYTE + MULTIPART_ALLOWANCE,
        "MAX_JSON_BYTES": MEGABYTE,
        # Attachment bytes (mitra/storage.py): <instance>/attachments unless this says otherwise.
        "MITRA_STORAGE_URL": _storage_url(),
        "MITRA_S3_ENDPOINT_URL": os.environ.get("MITRA_S3_ENDPOINT_URL") or None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "JSON_SORT_KEYS": False,
        # Event backbone (events/, workers/runtime.py); see README "Events".
        "EVENT_MAX_ATTEMPTS": int(os.environ.get("EVENT_MAX_ATTEMPTS", "5")),
        "EVENT_RETRY_BASE_SECONDS": float(os.environ.get("EVENT_RETRY_BASE_SECONDS", "1.0")),
        "EVENT_REDRIVE_AFTER_SECONDS": float(os.environ.get("EVENT_REDRIVE_AFTER_SECONDS", "300")),
        "EVENT_REDRIVE_EVERY_SECONDS": float(os.environ.get("EVENT_REDRIVE_EVERY_SECONDS", "30")),
        "EVENT_RELAY_MAX_BACKOFF_SECONDS": float(os.environ.get("EVENT_RELAY_MAX_BACKOFF_SECONDS", "30")),
        # Reminders and e-mail (platform/mitra/services/{reminders,mail}.py); README "Reminders".
        "MAIL_TIMEOUT_SECONDS": float(os.environ.get("MAIL_TIMEOUT_SECONDS", "30")),
        "MAIL_MAX_ATTEMPTS": int(os.environ.get("MAIL_MAX_ATTEMPTS", "8")),
        "MAIL_RETRY_BASE_SECONDS": float(os.environ.get("MAIL_RETRY_BASE_SECONDS", "60")),
        "MAIL_SENDING_TIMEOUT_SECONDS": float(os.environ.get("MAIL_SENDING_TIMEOUT_SECONDS", "900")),
        "MAIL_DISPATCH_SECONDS": float(os.environ.get("MAIL_DISPATCH_SECONDS", "30")),
        "REMINDER_LOCAL_HOUR": int(os.environ.get("REMINDER_LOCAL_HOUR", "8")),
        "REMINDER_WINDOW_MINUTES": int(os.environ.get("REMINDER_WINDOW_MINUTES", "60")),
        "API_TOKEN_HOURS": float(os.environ.get("API_TOKEN_HOURS", "12")),
        # The lifecycle job closes an active collaboration this many days after its end.
        "MITRA_AUTO_COMPLETE_DAYS": int(os.environ.get("MITRA_AUTO_COMPLETE_DAYS", "30")),
        "PARTNERSHIP_DORMANT_AFTER_DAYS": int(os.environ.get("PARTNERSHIP_DORMANT_AFTER_DAYS", "180")),
        "WORKER_PREFETCH": int(os.environ.get("WORKER_PREFETCH", "500")),
        "WORKER_HEARTBEAT_SECONDS": float(os.environ.get("WORKER_HEARTBEAT_SECONDS", "30")),
    }
