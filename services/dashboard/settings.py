"""The dashboard's settings: the common ones (prefix VIGIE_, token key, logs) plus where it
listens and where the gRPC services are."""

from __future__ import annotations

from services.common.settings import Settings


class DashboardSettings(Settings):
    dashboard_host: str = "127.0.0.1"
    dashboard_port: int = 8080
    # The gRPC services; same variables as the CLI's.
    labels_addr: str = "127.0.0.1:50051"
    contracts_addr: str = "127.0.0.1:50052"
    notices_addr: str = "127.0.0.1:50053"
    compliance_addr: str = "127.0.0.1:50054"
    # How long a page waits for a backend before it says the backend is slow (seconds).
    dashboard_backend_timeout: float = 5.0
    # Set behind HTTPS so the session cookie never travels in clear.
    dashboard_secure_cookie: bool = False
    # Development only: the sign-in page also mints a token for a chosen role and
    # organisation. Never in production: anyone could then act as the committee.
    dashboard_dev_signin: bool = False


def load() -> DashboardSettings:
    return DashboardSettings()
