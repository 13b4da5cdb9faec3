"""Demo bookings for the demo province: a living calendar and a year of history behind it.

Loaded by ``flask --app wsgi demo`` after the units, people and instruments. It adds:

- lab members (researchers of every unit, and an instrument manager for units that have none),
  all with the demo password, so that a year of use comes from believable numbers of people;
- a few rule changes (buffers, evening hours, approval, qualification) on top of the catalogue's
  rules, qualifications (guided and independent, some expired, some expiring within two weeks),
  downtimes in the past year and one next week;
- bookings from a year ago to two weeks ahead: completed ones with their usage log (source
  ``checkin``, fee from ``bookings.fees.default_fee``), cancelled, rejected and a few no-shows in
  the past; pending and confirmed ones (some sample submissions) ahead, a few already in progress.

Every booking keeps the rules a request would have been held to at its creation time: share
mode, open hours and holidays, the slot grid, length, lead time and horizon, qualification for
self-operated use, the per-user limit, and buffers (``block_end = end + buffer``; the database
refuses overlapping active bookings). No instrument has two bookings whose slots overlap, in any
status, and nobody operates two instruments at once. Everything comes from a seeded generator:
the same ``now`` gives the same data. Bookings and usage logs are bulk inserts, without audit
events (thousands of rows in a second or two); the few rule changes, qualifications and downtimes
go through the ORM and are audited like any other change.
"""
from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone

from flask import current_app
from sqlalchemy import func, select

from bookings.calendar import open_intervals
from bookings.fees import default_fee
from bookings.models import Booking, Downtime, Qualification, UsageLog
from bookings.rules import merged_rules
from instruments.models import Instrument
from sharing.accounts.models import User
from sharing.extensions import db
from sharing.timeutil import platform_tz, utcnow
from sharing.units.models import Unit

SEED = 20260302
DOMAIN = "demo.example"
HISTORY_DAYS = 365
AHEAD_DAYS = 14
MINUTE = timedelta(minutes=1)

# How many lab members each kind of unit gets, and the e-mail name of each demo unit.
MEMBERS = {"university": 6, "institute": 6, "enterprise": 3, "hospital": 4}
SLUGS = {"东大": "neu", "大工": "dlut", "中国医大": "cmu", "辽大": "lnu", "锦医": "jzmu", "金属所": "imr",
         "大化所": "dicp", "分析院": "laas", "鞍钢研究院": "ansteel", "新松": "siasun", "海创新材": "hcxc",
         "医大一院": "hospital"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = ("子涵", "浩然", "雨桐", "思远", "欣怡", "宇航", "晓峰", "嘉琪", "明轩", "佳怡", "志强", "婷婷", "俊杰", "梦瑶",
         "天宇", "诗雨", "博文", "静怡", "文杰", "晨阳", "一鸣", "若曦", "泽宇", "雅琴", "鹏飞", "慧敏", "立新", "海波")

# Bookings per open day by popularity (idle, low, medium, high), and each tier's share.
TIERS = ((0.0, 0.12), (0.05, 0.3), (0.25, 0.33), (1.0, 0.25))

PURPOSES = (
    "高温合金析出相形貌与成分表征", "纳米催化剂颗粒尺寸与分布统计", "锂电正极材料晶体结构分析", "焊接接头显微组织观察",
    "钢中夹杂物成分分析", "薄膜表面粗糙度与厚度测量", "有机合成中间体结构确证", "药物杂质定性定量分析",
    "土壤重金属含量测定", "蛋白复合物结构初筛", "细胞凋亡与周期检测", "肿瘤组织切片荧光成像", "高分子材料热稳定性测试",
    "陶瓷材料断口形貌观察", "课题组新样品预实验", "国家自然科学基金项目样品测试", "博士论文补充实验", "分子筛孔结构表征",
    "涂层耐蚀性能评价", "金属粉末粒度分析",
)
ENTERPRISE_PURPOSES = ("产品质量检测", "失效分析", "新产品研发试制检测", "来料检验比对", "工艺优化验证")
OWNER_CANCEL_REASONS = (None, None, "实验计划调整", "样品未按时制备好", "与组会时间冲突")
MANAGER_CANCEL_REASONS = ("仪器临时故障，已电话通知用户", "真空系统报警，需厂家检修", "该时段改为设备校准")
REJECT_REASONS = ("样品含磁性，不适合本仪器测试", "该时段已安排用户培训", "请先完成上机培训与考核", "样品安全信息不全，请补充后再约")
DOWNTIME_REASONS = ("年度预防性维护", "真空系统检修", "更换光源并重新校准", "软件升级与性能验证")
UPCOMING_DOWNTIME = "年度预防性维护（厂家工程师上门）"
# Rule changes on a few popular instruments, on top of the catalogue's own rules.
TWEAKS = ({"buffer_minutes": 30}, {"buffer_minutes": 60}, {"approval": "manager", "lead_minutes": 1440},
          {"requires_qualification": True},
          {"open_hours": [{"weekday": d, "start": "08:00", "end": "21:00"} for d in range(5)]
           + [{"weekday": 5, "start": "08:30", "end": "12:00"}]})


@dataclass
class Person:
    id: int
    unit_id: int
    city: str
    unit_kind: str
    named: bool  # one of the demo's named researchers (sharing/demo.py)
    busy: list = field(default_factory=list)  # sorted (start, end) of self-operated use
    no_shows: list = field(default_factory=list)
    upcoming: int = 0

    def free(self, start: datetime, end: datetime) -> bool:
        i = bisect.bisect_left(self.busy, (start, start))
        before = self.busy[i - 1] if i else None
        after = self.busy[i] if i < len(self.busy) else None
        return not ((before and before[1] > start) or (after and after[0] < end))


def _minutes(value) -> timedelta:
    return timedelta(minutes=value)


class _Planner:
    def __init__(self, now: datetime, people: list[Person], managers: dict[int, int], admin_id: int):
        self.now, self.rng, self.tz = now, random.Random(SEED + 1), platform_tz()
        self.people, self.managers, self.admin_id = people, managers, admin_id
        self.by_unit: dict[int, list[Person]] = {}
        for person in people:
            self.by_unit.setdefault(person.unit_id, []).append(person)
        self.named = [p for p in people if p.named]
        self.qualified: dict[tuple[int, int], tuple[datetime, datetime | None]] = {}
        self.last_end: dict[tuple[int, int], datetime] = {}
        self.per_user_upcoming: dict[tuple[int, int], int] = {}
        self.open_cache: dict[tuple, list] = {}
        self.outsiders: dict[int, tuple[list[Person], list[Person]]] = {}
        self.bookings: list[dict] = []
        self.logs: list[dict] = []
        self.grace = _minutes(current_app.config["NO_SHOW_GRACE_MINUTES"])
        self.no_show_window = timedelta(days=current_app.config["NO_SHOW_WINDOW_DAYS"])

    # --- time helpers ---------------------------------------------------------------------

    def local_midnight(self, moment: datetime) -> datetime:
        local = moment.astimezone(self.tz)
        return datetime.combine(local.date(), time(0), tzinfo=self.tz).astimezone(timezone.utc)

    def on_grid(self, moment: datetime, slot: int) -> datetime:
        """The first moment at or after ``moment`` on the slot grid, counted from local midnight."""
        whole = moment.replace(second=0, microsecond=0)
        if whole < moment:
            whole += MINUTE
        local = whole.astimezone(self.tz)
        return whole + _minutes(-(local.hour * 60 + local.minute) % slot)

    def open_on(self, rules: dict, midnight: datetime) -> list[tuple[datetime, datetime]]:
        if not rules["open_hours"]:  # always open: sessions start in the day and may run overnight
            return [(midnight + timedelta(hours=8), midnight + timedelta(hours=32))]
        key = (repr(rules["open_hours"]), rules["closed_on_holidays"], midnight)
        if key not in self.open_cache:
            self.open_cache[key] = open_intervals(rules, midnight, midnight + timedelta(days=1))
        return self.open_cache[key]

    def poisson(self, mean: float) -> int:
        limit, k, p = math.exp(-mean), 0, self.rng.random()
        while p > limit:
            k += 1
            p *= self.rng.random()
        return k

    def length(self, rules: dict) -> int:
        slot = rules["slot_minutes"]
        low = max(1, math.ceil(rules["min_minutes"] / slot))
        cap = 360 if self.rng.random() < 0.6 else 600
        if not rules["open_hours"] and rules["max_minutes"] >= 1440 and self.rng.random() < 0.25:
            cap = 2880  # long unattended runs: sequencing, fatigue tests, simulations
        high = max(low, min(cap, rules["max_minutes"]) // slot)
        if high == low:
            return slot * low
        return slot * round(self.rng.triangular(low, high, (low + high) / 2))

    # --- where bookings lie ---------------------------------------------------------------

    def placements(self, rules: dict, mean: float, start: datetime, until: datetime,
                   blocked: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
        """Non-overlapping [start, end) on the grid within open hours, ``buffer`` apart, none in ``blocked``."""
        slot, buffer = rules["slot_minutes"], _minutes(rules["buffer_minutes"])
        always = not rules["open_hours"]
        out: list[tuple[datetime, datetime]] = []
        free_from = start
        day = self.local_midnight(start)
        while day < until:
            ahead = (day - self.now).days
            wanted = self.poisson(mean * (1 - 0.5 * ahead / AHEAD_DAYS if ahead > 0 else 1))
            for a, b in self.open_on(rules, day):
                cursor = max(a, free_from)
                latest_start = a + timedelta(hours=14) if always else b
                while wanted and cursor < latest_start:
                    begin = self.on_grid(cursor + _minutes(slot * self.rng.choice((0, 0, 1, 2, 3, 4))), slot)
                    minutes = self.length(rules)
                    if not always and begin + _minutes(minutes) > b:
                        minutes = (b - begin) // MINUTE // slot * slot
                        if minutes < rules["min_minutes"]:
                            break
                    end = begin + _minutes(minutes)
                    hit = next((d for d in blocked if d[0] < end and begin < d[1]), None)
                    if hit is not None:
                        cursor = free_from = hit[1]
                        continue
                    if end > until or begin >= latest_start:
                        break
                    out.append((begin, end))
                    wanted -= 1
                    cursor = free_from = end + buffer
            day += timedelta(days=1)
        return out

    # --- who booked, when, and what became of it --------------------------------------------

    def qualified_at(self, instrument_id: int, user_id: int, moment: datetime) -> bool:
        grant = self.qualified.get((instrument_id, user_id))
        return grant is not None and grant[0] <= moment and (grant[1] is None or grant[1] > moment)

    def candidates(self, instrument: Instrument, upcoming: bool) -> list[Person]:
        own = self.by_unit.get(instrument.unit_id, [])
        if instrument.share_mode != "external":
            pool = list(own)
        else:
            if instrument.id not in self.outsiders:
                outside = [p for p in self.people if p.unit_id != instrument.unit_id]
                self.outsiders[instrument.id] = (outside, [p for p in outside if p.city == instrument.city])
            outside, near = self.outsiders[instrument.id]
            pool = self.rng.sample(own, min(4, len(own))) + self.rng.sample(outside, min(1, len(outside)))
            pool += self.rng.sample(near, min(1, len(near)))
        self.rng.shuffle(pool)
        if upcoming and self.rng.random() < 0.3:  # the named researchers show a full calendar
            named = [p for p in self.named if p.upcoming < 8 and
                     (instrument.share_mode == "external" or p.unit_id == instrument.unit_id)]
            pool = self.rng.sample(named, min(2, len(named))) + pool
        return pool

    def created_at(self, rules: dict, instrument_id: int, person: Person, start: datetime,
                   end: datetime) -> datetime | None:
        latest = min(start - _minutes(rules["lead_minutes"]), self.now)
        earliest = end - timedelta(days=rules["horizon_days"])
        limit = rules["max_active_per_user"]
        if limit is not None:
            earliest = max(earliest, self.last_end.get((instrument_id, person.id), earliest))
            if start > self.now and self.per_user_upcoming.get((instrument_id, person.id), 0) >= limit:
                return None
        if latest < earliest:
            return None
        span = min(latest - earliest, timedelta(days=7))
        moment = latest - span * self.rng.random() ** 2
        return moment.replace(microsecond=0)

    def assign(self, instrument: Instrument, rules: dict, start: datetime, end: datetime,
               downtime: tuple[datetime, datetime, datetime] | None) -> None:
        upcoming = end > self.now
        for person in self.candidates(instrument, upcoming)[:6]:
            created = self.created_at(rules, instrument.id, person, start, end)
            if created is None:
                continue
            qualified = not rules["requires_qualification"] or self.qualified_at(instrument.id, person.id, created)
            wants_sample = (instrument.fee_sample_internal is not None and self.rng.random() < 0.3) or not qualified
            mode = "sample" if wants_sample else "self"
            if mode == "self" and not person.free(start, end):
                continue
            break
        else:
            return
        row = {"instrument_id": instrument.id, "user_id": person.id, "start": start, "end": end,
               "block_end": end + _minutes(rules["buffer_minutes"]), "status": "confirmed", "mode": mode,
               "purpose": self.purpose(person), "sample_count": self.rng.randint(1, 12) if mode == "sample" else None,
               "created_at": created, "updated_at": created, "decided_by": None, "decided_at": None,
               "reason": None, "checked_in_at": None, "checked_out_at": None}
        manager = self.managers.get(instrument.unit_id, self.admin_id)
        if rules["approval"] == "manager":
            decided = min(created + _minutes(self.rng.randint(20, 1200)), created + (start - created) / 2,
                          self.now)
            row.update(decided_by=manager, decided_at=decided.replace(microsecond=0), updated_at=decided)
        if downtime is not None and downtime[0] < end and start < downtime[1]:
            if created >= downtime[2]:
                return
            row.update(status="cancelled", decided_by=manager, decided_at=downtime[2], updated_at=downtime[2],
                       reason=f"停机维护：{UPCOMING_DOWNTIME}")
        elif upcoming:
            self.upcoming_status(row, rules, person)
        else:
            self.past_status(row, rules, person, instrument)
        if mode == "self" and row["status"] in ("confirmed", "pending", "completed"):
            bisect.insort(person.busy, (start, end))
        if rules["max_active_per_user"] is not None:
            if upcoming:
                key = (instrument.id, person.id)
                self.per_user_upcoming[key] = self.per_user_upcoming.get(key, 0) + 1
            else:
                self.last_end[(instrument.id, person.id)] = end
        self.bookings.append(row)

    def purpose(self, person: Person) -> str:
        if person.unit_kind == "enterprise" and self.rng.random() < 0.7:
            return self.rng.choice(ENTERPRISE_PURPOSES)
        return self.rng.choice(PURPOSES)

    def upcoming_status(self, row: dict, rules: dict, person: Person) -> None:
        roll, start, created = self.rng.random(), row["start"], row["created_at"]
        deadline = min(self.now, start - _minutes(rules["cancel_deadline_minutes"]))
        if start <= self.now:  # under way: checked in within minutes of the start
            checked_in = start + timedelta(seconds=self.rng.randint(0, 600))
            if checked_in <= self.now:
                row.update(checked_in_at=checked_in, updated_at=checked_in)
        elif rules["approval"] == "manager" and roll < 0.65:
            row.update(status="pending", decided_by=None, decided_at=None, updated_at=created)
        elif rules["approval"] == "manager" and roll < 0.68:
            row.update(status="rejected", reason=self.rng.choice(REJECT_REASONS))
        elif roll > 0.95 and deadline > created:
            moment = created + (deadline - created) * self.rng.random()
            row.update(status="cancelled", decided_by=person.id, reason=self.rng.choice(OWNER_CANCEL_REASONS),
                       decided_at=moment, updated_at=moment)
        if row["status"] in ("pending", "confirmed"):
            person.upcoming += 1

    def past_status(self, row: dict, rules: dict, person: Person, instrument: Instrument) -> None:
        roll, start, created = self.rng.random(), row["start"], row["created_at"]
        deadline = start - _minutes(rules["cancel_deadline_minutes"])
        if rules["approval"] == "manager" and roll < 0.04:
            row.update(status="rejected", reason=self.rng.choice(REJECT_REASONS))
        elif roll < 0.09 and deadline > created:
            moment = created + (deadline - created) * self.rng.random()
            row.update(status="cancelled", decided_by=person.id, decided_at=moment, updated_at=moment,
                       reason=self.rng.choice(OWNER_CANCEL_REASONS))
        elif roll < 0.11:
            moment = created + (start - created) * self.rng.random()
            row.update(status="cancelled", decided_by=self.managers.get(instrument.unit_id, self.admin_id),
                       decided_at=moment, updated_at=moment, reason=self.rng.choice(MANAGER_CANCEL_REASONS))
        elif roll < 0.13 and row["mode"] == "self" and not any(
                abs(start - n) < self.no_show_window for n in person.no_shows):
            person.no_shows.append(start)
            row.update(status="no_show", updated_at=start + self.grace)
        else:
            self.complete(row, person, instrument)

    def has_terminal(self, instrument: Instrument) -> bool:
        """Half the large instruments log their use from a terminal (the rules ask it from 500,000 yuan)."""
        return instrument.price_cny >= 500_000 and instrument.id % 2 == 0

    def complete(self, row: dict, person: Person, instrument: Instrument) -> None:
        """The use inside the booked time (so usage logs never overlap), recorded as in real life: the
        user's check-in and check-out, the instrument's terminal, or, for samples, the manager."""
        start, end = row["start"], row["end"]
        checked_in = start + timedelta(seconds=self.rng.randint(0, 600))
        checked_out = max(end - timedelta(seconds=self.rng.randint(0, 1200)), checked_in + _minutes(15))
        source, recorder = "checkin", person.id
        if self.has_terminal(instrument):
            source, recorder = "terminal", None
        if row["mode"] == "sample":  # staff ran the samples: the terminal or the manager recorded it
            if source != "terminal":
                source, recorder = "manual", self.managers.get(instrument.unit_id, self.admin_id)
            row.update(status="completed", updated_at=checked_out)
        else:
            row.update(status="completed", checked_in_at=checked_in, checked_out_at=checked_out,
                       updated_at=checked_out)
        is_external = person.unit_id != instrument.unit_id
        service_way = "entrust" if row["mode"] == "sample" else "occupy"
        hours = (checked_out - checked_in).total_seconds() / 3600
        if person.unit_kind == "enterprise":
            purpose = "social_service" if is_external else "research"
        else:
            purpose = self.rng.choices(("research", "teaching", "training"), (88, 6, 6))[0]
        self.logs.append({
            "booking": row, "instrument_id": instrument.id, "user_id": person.id, "start": checked_in,
            "end": checked_out, "purpose": purpose, "service_way": service_way, "sample_count": row["sample_count"],
            "is_external": is_external, "source": source, "voided": False, "created_by": recorder,
            "created_at": checked_out,
            "fee": default_fee(instrument, is_external, hours, service_way, row["sample_count"]),
        })


# --- loading -------------------------------------------------------------------------------

def _lab_members(rng: random.Random, units: list[Unit], password_hash: str) -> list[User]:
    """Researchers of every demo unit, and a manager for each unit without one."""
    existing = set(db.session.scalars(select(User.email)))
    managed = {u.unit_id for u in db.session.scalars(select(User)).unique() if u.has_role("manager")}
    users = []
    for unit in units:
        slug = SLUGS.get(unit.short_name)
        if slug is None:
            continue
        people = [(f"lab{n:02d}.{slug}", ["researcher"]) for n in range(1, MEMBERS.get(unit.kind, 2) + 1)]
        if unit.id not in managed:
            people.append((f"manager.{slug}", ["manager"]))
        for local, roles in people:
            email = f"{local}@{DOMAIN}"
            if email in existing:
                continue
            user = User(email=email, name=rng.choice(SURNAMES) + rng.choice(GIVEN), unit_id=unit.id,
                        password_hash=password_hash, active=True, phone=f"139{rng.randint(0, 99_999_999):08d}")
            user.roles = roles
            users.append(user)
    db.session.add_all(users)
    db.session.flush()
    return users


def _tweak_rules(rng: random.Random, instruments: list[Instrument], tiers: dict[int, float]) -> None:
    popular = [i for i in instruments if tiers.get(i.id, 0) >= TIERS[-1][0] and i.status == "normal"]
    for changes, instrument in zip(TWEAKS, rng.sample(popular, min(len(TWEAKS), len(popular)))):
        instrument.booking_rules = merged_rules(instrument.booking_rules, changes)


def _qualify(planner: _Planner, instruments: list[Instrument], now: datetime) -> list[Qualification]:
    """Qualifications on instruments that require one: own unit's users mostly, a few outsiders."""
    rng, rows = planner.rng, []
    soon = 0
    for instrument in instruments:
        if not instrument.booking_rules.get("requires_qualification") or instrument.share_mode == "none":
            continue
        own = planner.by_unit.get(instrument.unit_id, [])
        others = [p for p in planner.people if p.unit_id != instrument.unit_id]
        chosen = [p for p in own if rng.random() < 0.6]
        if instrument.share_mode == "external":
            chosen += rng.sample(others, min(2, len(others)))
        for person in chosen:
            granted = (now - timedelta(days=rng.randint(20, 420))).replace(microsecond=0)
            roll = rng.random()
            if person.named and soon < 4 or roll < 0.06:
                soon += person.named
                expires = now + timedelta(days=rng.randint(3, 13), hours=rng.randint(0, 23))
            elif roll < 0.45:
                expires = granted + timedelta(days=rng.choice((365, 730)))
            else:
                expires = None
            expires = expires.replace(minute=0, second=0, microsecond=0) if expires else None
            planner.qualified[(instrument.id, person.id)] = (granted, expires)
            rows.append(Qualification(instrument_id=instrument.id, user_id=person.id,
                                      level="independent" if rng.random() < 0.6 else "guided", expires_at=expires,
                                      granted_by=planner.managers.get(instrument.unit_id, planner.admin_id),
                                      created_at=granted, updated_at=granted))
    return rows


def _people(units: list[Unit]) -> tuple[list[Person], dict[int, int], int]:
    """Who books (the units' researchers), who decides for each unit (its first manager), the admin."""
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)).unique().all()
    unit_by_id = {u.id: u for u in units}
    people = [Person(u.id, u.unit_id, unit_by_id[u.unit_id].city, unit_by_id[u.unit_id].kind,
                     u.email.startswith("researcher."))
              for u in users if u.has_role("researcher") and unit_by_id[u.unit_id].short_name in SLUGS]
    managers: dict[int, int] = {}
    for user in users:
        if user.has_role("manager"):
            managers.setdefault(user.unit_id, user.id)
    return people, managers, next(u.id for u in users if u.has_role("admin"))


def _downtimes(planner: _Planner, rng: random.Random, usable: list[Instrument],
               featured: Instrument | None) -> list[Downtime]:
    """A maintenance next Tuesday–Wednesday on a popular instrument (of 东大 if it has one), and a few past ones."""
    now, managers, admin_id = planner.now, planner.managers, planner.admin_id
    midnight = planner.local_midnight(now)
    next_monday = midnight + timedelta(days=7 - now.astimezone(planner.tz).weekday())
    downtimes = []
    if featured is not None:
        start, end = next_monday + timedelta(days=1, hours=8), next_monday + timedelta(days=2, hours=18)
        downtimes.append(Downtime(instrument_id=featured.id, start=start, end=end, reason=UPCOMING_DOWNTIME,
                                  created_by=managers.get(featured.unit_id, admin_id),
                                  created_at=now - timedelta(days=1)))
    for instrument in rng.sample(usable, min(4, len(usable))):
        start = midnight - timedelta(days=rng.randint(40, 330)) + timedelta(hours=8)
        downtimes.append(Downtime(instrument_id=instrument.id, start=start,
                                  end=start + timedelta(days=rng.randint(2, 6)), reason=rng.choice(DOWNTIME_REASONS),
                                  created_by=managers.get(instrument.unit_id, admin_id),
                                  created_at=start - timedelta(days=rng.randint(2, 10))))
    return downtimes


def _insert(bookings: list[dict], logs: list[dict]) -> None:
    """Core executemany without RETURNING (the ORM's bulk path, and RETURNING, are several times slower).

    The new ids are read back by (instrument, start): unique, since no two demo bookings overlap.
    """
    table = Booking.__table__
    connection = db.session.connection()
    before = connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    if bookings:
        connection.execute(table.insert(), bookings)
    ids = {(instrument_id, start): booking_id for booking_id, instrument_id, start in connection.execute(
        select(table.c.id, table.c.instrument_id, table.c.start).where(table.c.id > before))}
    rows = [{**{k: v for k, v in log.items() if k != "booking"},
             "booking_id": ids[(log["instrument_id"], log["booking"]["start"])]} for log in logs]
    if rows:
        connection.execute(UsageLog.__table__.insert(), rows)


def load_demo_bookings(now: datetime | None = None) -> dict[str, int]:
    """Add the demo's lab members, bookings, usage, qualifications and downtimes; returns what was added."""
    now = (now or utcnow()).astimezone(timezone.utc).replace(microsecond=0)
    rng = random.Random(SEED)
    units = db.session.scalars(select(Unit).order_by(Unit.id)).all()
    password_hash = db.session.scalar(select(User.password_hash).where(User.email.like(f"%@{DOMAIN}"))
                                      .order_by(User.id).limit(1))
    added = _lab_members(rng, units, password_hash)
    planner = _Planner(now, *_people(units))

    instruments = db.session.scalars(select(Instrument).order_by(Instrument.id)).unique().all()
    usable = [i for i in instruments if i.status != "retired" and i.share_mode != "none"]
    tiers = {i.id: rng.choices([t[0] for t in TIERS], [t[1] for t in TIERS])[0] for i in usable}
    _tweak_rules(rng, usable, tiers)
    qualifications = _qualify(planner, usable, now)
    short_names = {u.id: u.short_name for u in units}
    popular = [i for i in usable if tiers[i.id] >= TIERS[-1][0] and i.status == "normal"
               and i.share_mode == "external" and i.booking_rules.get("open_hours")]
    featured = next((i for i in popular if short_names[i.unit_id] == "东大"), popular[0] if popular else None)
    downtimes = _downtimes(planner, rng, usable, featured)
    upcoming = (downtimes[0].start, downtimes[0].end, downtimes[0].created_at) if featured is not None else None
    blocked: dict[int, list] = {}
    for downtime in downtimes[1 if featured is not None else 0:]:
        blocked.setdefault(downtime.instrument_id, []).append((downtime.start, downtime.end))

    for instrument in usable:
        rules = merged_rules(instrument.booking_rules, None)
        commissioned = instrument.commission_date or (now - timedelta(days=HISTORY_DAYS)).date()
        first_use = datetime.combine(commissioned + timedelta(days=7), time(0), tzinfo=planner.tz)
        begin = max(now - timedelta(days=HISTORY_DAYS), first_use.astimezone(timezone.utc))
        if instrument.status == "normal":
            until = now + timedelta(days=min(AHEAD_DAYS, rules["horizon_days"]))
        else:  # faulty or under repair: used until it broke down
            until = now - timedelta(days=rng.randint(5, 60))
        if tiers[instrument.id] == 0 or begin >= until:
            continue
        downtime = upcoming if featured is not None and instrument.id == featured.id else None
        for start, end in planner.placements(rules, tiers[instrument.id], begin, until,
                                             blocked.get(instrument.id, [])):
            planner.assign(instrument, rules, start, end, downtime)

    db.session.add_all(qualifications + downtimes)
    db.session.flush()
    _insert(planner.bookings, planner.logs)
    db.session.commit()
    return {"lab_users": len(added), "bookings": len(planner.bookings), "usage_logs": len(planner.logs)}
