"""Demo evaluations: the evaluator's manual items of the university rubric for the calendar year the
demo ledger mostly covers, so that the evaluation page of a fresh demo shows complete scores (the
metric items come from the demo ledger)."""
from __future__ import annotations

import random
from decimal import Decimal

from sqlalchemy import select

from reports.rubric_models import ManualItemValue
from reports.rubrics import ensure_presets
from sharing.accounts.models import User
from sharing.extensions import db
from sharing.timeutil import as_platform, utcnow
from sharing.units.models import Unit

SEED = 20261122
SCHEME = "university-open-sharing"
# (item, choices) — what an evaluator's site visit typically finds
VALUES = {
    "platform": (5, 5, 3, 3, 0),
    "secondary_platform_share": (5, 4, 3, 2, 0),
    "records": (5, 4, 4, 3, 2),
    "talent_support": (9, 8, 7, 6, 5),
    "function_use_rate": (0.95, 0.9, 0.8, 0.7, 0.6),
    "function_development_rate": (1, 0.5, 0.5, 0),
}


def load_demo_evaluations(evaluator_email: str) -> dict[str, int]:
    ensure_presets()
    evaluator = db.session.scalar(select(User).where(User.email == evaluator_email))
    if evaluator is None:
        return {"evaluation_values": 0}
    rng = random.Random(SEED)
    today = as_platform(utcnow())
    year = today.year if today.month >= 7 else today.year - 1  # the year the demo's 12 months mostly cover
    units = db.session.scalars(select(Unit).where(Unit.kind.in_(("university", "institute", "hospital")))
                               .order_by(Unit.id)).all()
    rows = [{"scheme_id": SCHEME, "year": year, "subject_kind": "unit", "subject_id": unit.id, "item_id": item,
             "value": Decimal(str(rng.choice(choices))), "entered_by": evaluator.id, "entered_at": utcnow()}
            for unit in units for item, choices in VALUES.items()]
    if rows:
        db.session.execute(ManualItemValue.__table__.insert(), rows)
        db.session.commit()
    return {"evaluation_values": len(rows)}
