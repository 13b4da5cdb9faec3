"""Who is concerned by a booking, and how a booking is described to them."""
from __future__ import annotations

from sqlalchemy import select

from sharing.accounts.models import User, UserRole
from sharing.extensions import db
from sharing.notifications import notify
from sharing.timeutil import as_platform


def managers_of_unit(unit_id: int) -> list[int]:
    """Active managers and unit admins of a unit: they run its instruments."""
    return db.session.scalars(
        select(User.id).join(UserRole, UserRole.user_id == User.id)
        .where(User.unit_id == unit_id, User.active.is_(True), UserRole.role.in_(("manager", "unit_admin")))
        .distinct().order_by(User.id)
    ).all()


def describe(booking, **extra) -> dict:
    """Parameters of a booking's notifications: plain text, the same in every language."""
    start, end = as_platform(booking.start), as_platform(booking.end)
    end_text = end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%Y-%m-%d %H:%M")
    return {"instrument": booking.instrument.name, "start": start.strftime("%Y-%m-%d %H:%M"),
            "end": end_text, **extra}


def tell_user(booking, kind: str, **extra) -> None:
    notify(booking.user_id, kind, link=f"/bookings/{booking.id}", **describe(booking, **extra))


def tell_managers(booking, kind: str, **extra) -> None:
    params = describe(booking, user=booking.user.name, **extra)
    for manager_id in managers_of_unit(booking.instrument.unit_id):
        if manager_id != booking.user_id:
            notify(manager_id, kind, link=f"/bookings/{booking.id}", **params)
