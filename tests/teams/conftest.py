"""The delivery tests' loopback push service, for the insurance notices' push."""

from ..delivery.conftest import browser_keys, push_service  # noqa: F401 - fixtures
