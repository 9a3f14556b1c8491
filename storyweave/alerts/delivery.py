"""Webhook delivery of the alerts outbox: signed JSON POSTs, retried with exponential backoff.

Each alert with a webhook is delivered at least once: an alert is claimed (leased) before its POST
and marked delivered after a 2xx answer, so a deliverer killed between the two leaves the lease to
run out and the alert is sent again.  Receivers drop repeats by the alert id (the body's ``id``,
also in the ``X-Storyweave-Alert`` header).  Anything else (a refused address, a timeout, a non-2xx
answer) is retried after ``alert_retry_base_s``, doubling each time up to ``alert_retry_max_s``,
with jitter, until ``alert_webhook_attempts`` attempts have failed; the alert is then ``failed``,
with its last error kept for ``storyweave watch show``.

The signature is ``sha256=`` + hex HMAC-SHA256, under the watch's secret, of the timestamp header's
value, a dot, and the body bytes; a receiver refuses timestamps too far from its clock (replay).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any

from ..errors import FetchError
from ..fetch import Fetcher
from ..settings import Settings
from ..store import Store
from ..store.base import Due

SIGNATURE_HEADER = "X-Storyweave-Signature"
TIMESTAMP_HEADER = "X-Storyweave-Timestamp"
ALERT_HEADER = "X-Storyweave-Alert"
# A claimed delivery is left alone by other deliverers this much longer than one attempt may take.
_LEASE_MARGIN_S = 30.0


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Storyweave-Signature`` value of ``body`` sent at ``timestamp`` (unix seconds)."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(secret: str, timestamp: str, signature: str, body: bytes, *, now: float | None = None,
           tolerance_s: float = 300.0) -> bool:
    """What a receiver checks: the signature is right and the timestamp within ``tolerance_s`` of now."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature)


def alert_body(alert_id: int, payload: dict[str, Any]) -> bytes:
    """The JSON document of one alert, as webhooks, feeds and the live stream give it."""
    return json.dumps({"id": alert_id, **payload}, ensure_ascii=False, sort_keys=True).encode("utf-8")


def webhook_fetcher(settings: Settings) -> Fetcher:
    """A Fetcher under the webhooks' own timeout and private-address switch."""
    return Fetcher(_webhook_settings(settings), private_setting="alert_webhook_allow_private")


def _webhook_settings(settings: Settings) -> Settings:
    out = Settings(settings.as_dict())
    out.set("allow_private_addresses", settings.alert_webhook_allow_private)
    out.set("fetch_timeout_s", settings.alert_webhook_timeout_s)
    out.set("fetch_total_timeout_s", settings.alert_webhook_timeout_s)
    out.set("fetch_max_redirects", 0)
    return out


@dataclass
class DeliveryReport:
    """What one ``deliver_alerts`` call did, by alert id."""

    delivered: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[int]]:
        return {"delivered": self.delivered, "retrying": self.retrying, "failed": self.failed}


class Deliverer:
    def __init__(self, db: Store, settings: Settings, fetcher: Fetcher | None = None) -> None:
        self.db = db
        self.settings = settings
        self.fetcher = fetcher or webhook_fetcher(settings)

    def close(self) -> None:
        self.fetcher.close()

    def deliver(self, limit: int = 100) -> DeliveryReport:
        """Try each due delivery once (at most ``limit``), claiming one at a time in alert order, so
        a delivery that failed is not tried again in the same round however short its backoff."""
        report = DeliveryReport()
        lease = float(self.settings.alert_webhook_timeout_s) + _LEASE_MARGIN_S
        last = 0
        for _ in range(limit):
            claimed = self.db.claim_due_alerts(time.time(), lease, 1, after=last)
            if not claimed:
                break
            due = claimed[0]
            last = due.seq
            error = self._post(due)
            if error is None:
                self.db.record_delivery_attempt(due.seq, delivered=True, error=None, next_attempt=None)
                report.delivered.append(due.seq)
                continue
            attempts = due.attempts + 1
            if attempts >= int(self.settings.alert_webhook_attempts):
                self.db.record_delivery_attempt(due.seq, delivered=False, error=error, next_attempt=None)
                report.failed.append(due.seq)
            else:
                self.db.record_delivery_attempt(due.seq, delivered=False, error=error,
                                     next_attempt=time.time() + self.retry_delay(attempts))
                report.retrying.append(due.seq)
        return report

    def retry_delay(self, attempts: int) -> float:
        """Seconds before the next try after ``attempts`` failed ones: doubling, capped, with jitter
        (between half and all of it) so receivers coming back are not hit by every retry at once."""
        base = float(self.settings.alert_retry_base_s)
        delay = min(float(self.settings.alert_retry_max_s), base * 2 ** (attempts - 1))
        return delay * random.uniform(0.5, 1.0)

    def _post(self, due: Due) -> str | None:
        """One attempt; None when the receiver took it, else why not."""
        body = alert_body(due.seq, due.payload)
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "Accept": "*/*",
            SIGNATURE_HEADER: sign(due.secret, timestamp, body),
            TIMESTAMP_HEADER: str(timestamp),
            ALERT_HEADER: str(due.seq),
        }
        try:
            status = self.fetcher.post(due.url, body, headers)
        except FetchError as exc:
            return str(exc)
        return None if 200 <= status < 300 else f"HTTP {status} from the receiver"
