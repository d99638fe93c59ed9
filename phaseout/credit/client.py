"""The only code that speaks HTTP to the provincial public credit platform: one JSON POST
with an Idempotency-Key and a bearer token, standard library only, always with a timeout."""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

# The platform's body is kept as the receipt; a huge or odd body is cut to this length.
MAX_BODY = 20000


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any


class Unreachable(Exception):
    """No HTTP answer at all: connection refused, DNS failure, timeout."""


def _parse(raw: bytes) -> Any:
    text = raw[:MAX_BODY].decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return {"raw": text}


def post_json(url: str, payload: dict, *, token: str, idempotency_key: str,
              timeout: float) -> Reply:
    """POST the payload; return the platform's status and body.

    Raises: Unreachable when no HTTP answer arrives within the timeout.
    """
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8",
               "Accept": "application/json", "Idempotency-Key": idempotency_key}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, _parse(response.read()))
    except urllib.error.HTTPError as exc:
        with exc:
            return Reply(exc.code, _parse(exc.read()))
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise Unreachable(str(getattr(exc, "reason", exc))) from exc
