"""The delivery tests' loopback push service and SMS/voice gateway, for the warnings tests."""

from ..delivery.conftest import browser_keys, gateway, push_service  # noqa: F401 - fixtures
