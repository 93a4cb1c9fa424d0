"""Login sessions: signed, expiring tokens, a secret kept out of argv, and a limit on
failed attempts (SECURITY.md, "Users").

>>> s = Sessions(b"k" * 32, minutes=30)
>>> s.user_of(s.issue("wang", now=0), now=60)
'wang'
>>> s.user_of(s.issue("wang", now=0), now=31 * 60) is None
True
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import defaultdict, deque
from pathlib import Path

__all__ = ["Sessions", "Attempts", "session_secret", "SecretError"]

ENV_SIGNING = "LIANJIAN_SESSION_SECRET"
ENV_SIGNING_FILE = "LIANJIAN_SESSION_SECRET_FILE"


class SecretError(RuntimeError):
    """No session secret can be had (said in one line)."""


def _secret_file() -> Path:
    env = os.environ.get(ENV_SIGNING_FILE)
    return Path(env) if env else Path.home() / ".config" / "lianjian" / "session.key"


def session_secret() -> bytes:
    """``$LIANJIAN_SESSION_SECRET``, or the 0600 file (created once with 32 random bytes,
    written in full before it is linked into place)."""
    env = os.environ.get(ENV_SIGNING)
    if env:
        if len(env) < 32:
            raise SecretError(f"{ENV_SIGNING} needs at least 32 characters")
        return env.encode("utf-8")
    path = _secret_file()
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = path.with_name(f".{path.name}.{os.getpid()}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_hex(32).encode())
                f.flush()
                os.fsync(f.fileno())
            try:
                os.link(tmp, path)  # never replaces a secret another process wrote first
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        if path.stat().st_mode & 0o077:
            raise SecretError(f"{path} can be read by others: chmod 600 {path}")
        data = path.read_bytes().strip()
    except OSError as e:
        raise SecretError(f"no session secret: {path}: {e.strerror}") from None
    if len(data) < 32:
        raise SecretError(f"{path} holds too short a secret")
    return data


class Sessions:
    """Tokens ``user.expiry.signature`` (HMAC-SHA256 under the secret); a token is good
    until ``minutes`` after it was issued."""

    def __init__(self, secret: bytes, minutes: int = 30) -> None:
        self._key, self.seconds = secret, minutes * 60

    def _sign(self, body: str) -> str:
        mac = hmac.new(self._key, body.encode("utf-8"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def issue(self, user: str, now: float | None = None) -> str:
        body = f"{user}.{int((time.time() if now is None else now) + self.seconds)}"
        return f"{body}.{self._sign(body)}"

    def user_of(self, token: str | None, now: float | None = None) -> str | None:
        """The user of a token whose signature holds and which has not expired, else None."""
        if not token or token.count(".") < 2:
            return None
        body, sig = token.rsplit(".", 1)
        user, expiry = body.rsplit(".", 1)
        if not hmac.compare_digest(sig, self._sign(body)) or not expiry.isdigit():
            return None
        return user if (time.time() if now is None else now) < int(expiry) else None


class Attempts:
    """At most ``limit`` failed logins per user name and per client address in ``window``
    seconds; a blocked key is refused without checking the password."""

    def __init__(self, limit: int = 5, window: float = 900) -> None:
        self.limit, self.window = limit, window
        self._failed: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failed[key]
        while q and q[0] <= now - self.window:
            q.popleft()
        if len(self._failed) > 10_000:  # made-up names must not fill the memory
            for k in [k for k, v in self._failed.items() if not v and k != key]:
                del self._failed[k]
        return q

    def blocked(self, keys: list[str], now: float | None = None) -> bool:
        now = time.time() if now is None else now
        with self._lock:
            return any(len(self._recent(k, now)) >= self.limit for k in keys)

    def failed(self, keys: list[str], now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)

    def succeeded(self, keys: list[str]) -> None:
        with self._lock:
            for k in keys:
                self._failed.pop(k, None)
