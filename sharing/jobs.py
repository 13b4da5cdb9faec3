"""Jobs of the foundation. Other packages register theirs with ``@job`` the same way."""
from sharing.accounts.services import purge_expired_credentials
from sharing.notifications.mail import send_queued_mail
from sharing.scheduler import job

# Retries mail whose first attempt (right after commit) failed; see sharing.notifications.mail.
job("send_queued_mail", every_seconds=60)(send_queued_mail)


@job("purge_expired_credentials", every_seconds=3600)
def purge_credentials():
    return f"removed {purge_expired_credentials()} expired tokens and login failures"
