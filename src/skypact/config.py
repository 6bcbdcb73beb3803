"""Service settings, read only at entry points (CLI) and passed down."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SHUTDOWN_GRACE_S", "Settings"]

#: seconds a stopping server waits for open requests; then open event streams are closed, so that
#: their clients reconnect (to the server started again, or to another) instead of holding the stop
SHUTDOWN_GRACE_S = 5


@dataclass(frozen=True)
class Settings:
    db_url: str = "sqlite:///var/skypact.db"
    token_key_file: Path = Path("var/token.key")
    audit_key_file: Path = Path("var/audit.key")
    token_ttl_s: int = 3600
    max_body_bytes: int = 1_000_000
    #: trusted outside issuers: (public key PEM file, audience, issuer)
    outside_issuers: tuple[tuple[Path, str, str], ...] = ()
    #: draw country borders on the web map (off by default: borders may be disputed between parties)
    map_borders: bool = False

    def token_key(self) -> bytes:
        """The server's token-signing key, created on first use and kept in ``token_key_file``."""
        if not self.token_key_file.exists():
            self.token_key_file.parent.mkdir(parents=True, exist_ok=True)
            self.token_key_file.write_text(secrets.token_hex(32))
            self.token_key_file.chmod(0o600)
        return bytes.fromhex(self.token_key_file.read_text().strip())
