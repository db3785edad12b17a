"""getUpdates and the webhook methods: setWebhook, deleteWebhook, getWebhookInfo."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from sandbox.errors import CONFLICT_WEBHOOK_ACTIVE, ApiError, bad_request
from sandbox.methods.common import Call, Described, Handler
from sandbox.webhook import WebhookConfig

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


async def get_updates(call: Call) -> list[dict[str, Any]]:
    """Confirms updates below offset and returns up to limit of the rest, long-polling up to timeout seconds."""
    core = call.core
    if core.webhook.config is not None:
        raise ApiError(409, CONFLICT_WEBHOOK_ACTIVE)
    return await core.updates.fetch(
        offset=call.integer("offset") or 0,
        limit=call.integer("limit") or 100,
        wait=max(0, call.integer("timeout") or 0),
        allowed=call.array("allowed_updates"),
    )


async def set_webhook(call: Call) -> Described:
    """Starts webhook delivery (an empty url deletes the webhook, as in Telegram)."""
    core = call.core
    url = call.string("url") or ""
    if not url:
        return await delete_webhook(call)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if parts.hostname not in core.webhook.allowed_hosts:
        raise bad_request(f"bad webhook: the sandbox delivers only to {', '.join(sorted(core.webhook.allowed_hosts))}")
    secret = call.string("secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    if call.boolean("drop_pending_updates"):
        core.updates.drop_pending()
    core.updates.set_allowed(call.array("allowed_updates"))
    current = core.webhook.config
    if current is not None and current.url == url and current.secret_token == secret:
        return Described(True, "Webhook is already set")
    core.webhook.set(WebhookConfig(url=url, secret_token=secret, max_connections=call.integer("max_connections") or 40))
    return Described(True, "Webhook was set")


async def delete_webhook(call: Call) -> Described:
    """Stops webhook delivery; drop_pending_updates forgets what was queued."""
    core = call.core
    had_webhook = core.webhook.config is not None
    if call.boolean("drop_pending_updates"):
        core.updates.drop_pending()
    core.webhook.delete()
    return Described(True, "Webhook was deleted" if had_webhook else "Webhook is already deleted")


async def get_webhook_info(call: Call) -> dict[str, Any]:
    """The current webhook, pending update count and last delivery error."""
    return call.core.webhook.info()


HANDLERS: dict[str, Handler] = {
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}
