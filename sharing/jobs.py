"""Jobs of the foundation. Other packages register theirs with ``@job`` the same way."""
from sharing.accounts.services import purge_expired_credentials
from sharing.scheduler import job


@job("purge_expired_credentials", every_seconds=3600)
def purge_credentials():
    return f"removed {purge_expired_credentials()} expired tokens and login failures"
