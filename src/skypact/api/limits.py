"""Request body size limit as plain ASGI middleware (no per-request task, unlike
``BaseHTTPMiddleware``): a declared ``Content-Length`` over the limit is refused before the body
is read; a streamed (chunked) body is read up to the limit first, then passed on.  The answer
is 413 problem+json, EN and RU.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skypact.api.problems import problem
from skypact.errors import FormatError
from skypact.i18n import N_

__all__ = ["BodyLimit"]


class BodyLimit:
    """Refuse request bodies larger than ``limit`` bytes."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if declared.isdigit() and int(declared) > self.limit:
                await self._refuse(scope, receive, send)
                return
            await self.app(scope, receive, send)  # the server stops at the declared length
            return
        # streamed (chunked) body: read it up to the limit, then hand it on
        held: list[Message] = []
        seen = 0
        while True:
            msg = await receive()
            held.append(msg)
            if msg["type"] != "http.request":
                break
            seen += len(msg.get("body", b""))
            if seen > self.limit:
                await self._refuse(scope, receive, send)
                return
            if not msg.get("more_body", False):
                break

        async def replay() -> Message:
            return held.pop(0) if held else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        err = FormatError(N_("the request body is larger than {limit} bytes"), limit=self.limit)
        await problem(413, err)(scope, receive, send)
