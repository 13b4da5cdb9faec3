"""Demo ledger extras: users' ratings of their services and a few manual corrections.

Run after the demo bookings are in, so that a newcomer's first report has ratings, voided
records with their reasons and manually entered hours next to the automatic ones.
"""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from bookings.fees import default_fee
from bookings.ledger_models import Rating
from bookings.models import UsageLog
from instruments.models import Instrument
from sharing.audit import set_reason
from sharing.extensions import db

SEED = 20261122
RATED_SHARE = 0.6
SCORES = [(5, 55), (4, 30), (3, 10), (2, 4), (1, 1)]  # weights: most services satisfy
COMMENTS = {5: ["数据质量很好，老师很专业", "预约方便，服务及时", None], 4: ["整体满意", "等待时间稍长", None],
            3: ["仪器状态一般", None], 2: ["开机准备时间过长"], 1: ["结果无法使用"]}
CORRECTIONS = 6


def load_demo_ledger_extras() -> dict[str, int]:
    rng = random.Random(SEED)
    logs = db.session.execute(select(UsageLog.id, UsageLog.user_id).where(UsageLog.voided.is_(False))
                              .order_by(UsageLog.id)).all()
    ratings = []
    for log_id, user_id in logs:
        if rng.random() < RATED_SHARE:
            score = rng.choices([s for s, _w in SCORES], [w for _s, w in SCORES])[0]
            ratings.append({"usage_log_id": log_id, "user_id": user_id, "score": score,
                            "comment": rng.choice(COMMENTS[score])})
    if ratings:
        db.session.execute(Rating.__table__.insert(), ratings)
    corrected = _corrections(rng, [log_id for log_id, _u in logs])
    db.session.commit()
    return {"ratings": len(ratings), "corrected_logs": corrected}


def _corrections(rng: random.Random, log_ids: list[int]) -> int:
    """A manager found some check-outs wrong: the record is voided and a manual one entered."""
    count = 0
    for log_id in rng.sample(log_ids, min(CORRECTIONS, len(log_ids))):
        log = db.session.get(UsageLog, log_id)
        reason = "签退时间有误，按实际机时补录"
        set_reason(reason)
        log.voided, log.void_reason = True, reason
        fixed = UsageLog(
            instrument_id=log.instrument_id, user_id=log.user_id, booking_id=log.booking_id, start=log.start,
            end=log.end - timedelta(minutes=30) if log.hours > 1 else log.end, purpose=log.purpose,
            service_way=log.service_way, sample_count=log.sample_count, is_external=log.is_external,
            source="manual", comment=reason)
        fixed.fee = default_fee(db.session.get(Instrument, log.instrument_id), fixed.is_external, fixed.hours,
                                fixed.service_way, fixed.sample_count)
        db.session.add(fixed)
        db.session.flush()
        count += 1
    set_reason(None)
    return count
