"""In-app notifications and their e-mail copies (sent only after the change is committed)."""
from sharing.notifications.services import notify

__all__ = ["notify"]
