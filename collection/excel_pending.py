"""Previewed imports kept on the server until the user confirms: the file under
MEDIA_ROOT/imports/collection/ with a random name, what the preview showed in the session."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings

SESSION_KEY = "collection_excel_imports"
LIFETIME_SECONDS = 30 * 60  # a preview older than this is stale: upload the file again
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def folder() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports" / "collection"
    path.mkdir(parents=True, exist_ok=True)
    return path


def purge_expired(now: float | None = None) -> None:
    """Delete the files of previews nobody confirmed in time (whoever uploaded them)."""
    limit = (now or time.time()) - LIFETIME_SECONDS
    for path in folder().glob("*.xlsx"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:  # another request purged it first
            pass


@dataclass
class Pending:
    """One previewed file: where it is, which round and data set, and what the user saw."""

    token: str
    round_id: int
    data_set: str
    name: str  # the uploaded file's name, for messages
    created: float
    versions: dict[str, int] = field(default_factory=dict)
    digest: str = ""

    @property
    def path(self) -> Path:
        return folder() / f"{self.token}.xlsx"

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def new(round_id: int) -> Pending:
    """A place for an upload, with a token nobody can guess; old previews are purged."""
    purge_expired()
    return Pending(secrets.token_urlsafe(24), round_id, "", "", time.time())


def keep(session, pending: Pending) -> None:
    """Remember the preview in the user's session (its file stays under `folder()`)."""
    kept = session.get(SESSION_KEY, {})
    kept = {t: p for t, p in kept.items() if p["created"] > time.time() - LIFETIME_SECONDS}
    record = asdict(pending)
    kept[record.pop("token")] = record
    session[SESSION_KEY] = kept


def take(session, token: str, round_id: int) -> Pending | None:
    """The preview of `token` in this session for this round, once (it is forgotten here);
    None when unknown, used, expired or its file is gone."""
    kept = session.get(SESSION_KEY, {})
    saved = kept.pop(token, None) if _TOKEN.match(token or "") else None
    session[SESSION_KEY] = kept
    if saved is None:
        return None
    pending = Pending(token=token, **saved)
    if pending.round_id != round_id or pending.created < time.time() - LIFETIME_SECONDS:
        pending.discard()
        return None
    if not pending.path.exists():
        return None
    return pending
