"""The demo province's instruments: realistic, consistent with the catalogue rules, and searchable."""
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from marshmallow import ValidationError
from sqlalchemy import func, select

from instruments.demo import instrument_rows
from instruments.models import Category, Instrument
from instruments.schemas import InstrumentCreateSchema, InstrumentSchema
from sharing.accounts.models import User, UserRole
from sharing.demo import DEMO_PASSWORD, UNITS
from sharing.extensions import db
from sharing.units.models import Unit

READ_ONLY = ("id", "unit_name", "category_name", "created_at", "updated_at")


def _load(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "instruments" in result.output


def test_demo_instruments_are_a_consistent_catalogue(app, ctx):
    _load(app)
    instruments = db.session.scalars(select(Instrument)).unique().all()
    assert len(instruments) >= 250

    # Every category code is a leaf of the national classification.
    codes = set(db.session.scalars(select(Category.code)))
    parents = set(db.session.scalars(select(Category.parent_code).where(Category.parent_code.is_not(None))))
    used = {i.category_code for i in instruments}
    assert used <= codes and not used & parents
    # The kinds the demo is meant to show are there.
    assert {"010101", "010102", "010601", "010201", "010202", "010301", "010302", "010104", "010502", "011012",
            "020101", "011007", "010802"} <= used

    # Every unit with a manager has instruments; each instrument sits in its unit's city.
    managed = set(db.session.scalars(
        select(User.unit_id).join(UserRole).where(UserRole.role.in_(["manager", "unit_admin"]))))
    owners = {i.unit_id for i in instruments}
    assert managed and managed <= owners
    cities = {u.id: u.city for u in db.session.scalars(select(Unit))}
    assert all(i.city == cities[i.unit_id] for i in instruments)

    today = date.today()
    schema, loader = InstrumentSchema(), InstrumentCreateSchema()
    for i in instruments:
        assert i.price_cny > 0
        assert i.purchase_date <= i.commission_date <= today, i.inner_id
        assert i.search_text and i.model.lower() in i.search_text  # the ORM event kept it
        if i.fee_internal is not None and i.fee_external is not None:
            assert i.fee_internal * Decimal("1.6") <= i.fee_external <= i.fee_internal * 3
        data = {k: v for k, v in schema.dump(i).items() if k not in READ_ONLY}
        try:
            loader.load(data)  # what the API would accept for a new registration
        except ValidationError as exc:  # pragma: no cover - the message is the point
            raise AssertionError(f"{i.inner_id}: {exc.messages}") from exc

    statuses = {s: n for s, n in db.session.execute(
        select(Instrument.status, func.count()).group_by(Instrument.status))}
    assert statuses["normal"] > 0.8 * len(instruments) and statuses.get("retired", 0) >= 1
    prices = [i.price_cny for i in instruments]
    assert sum(p >= 500_000 for p in prices) > 0.75 * len(prices)
    assert any(200_000 <= p < 500_000 for p in prices)  # the report scope threshold matters
    assert any((i.commission_date - i.purchase_date).days > 365 for i in instruments)
    assert any(i.booking_rules["requires_qualification"] for i in instruments if i.category_code == "010101")


def test_demo_search_finds_the_transmission_electron_microscopes(app, ctx):
    _load(app)
    client = app.test_client()
    login = client.post("/api/v1/auth/token", json={"email": "researcher.neu@demo.example",
                                                    "password": DEMO_PASSWORD})
    assert login.status_code == 201
    headers = {"Authorization": f"Bearer {login.get_json()['token']}"}
    body = client.get("/api/v1/instruments?q=透射&per_page=200", headers=headers).get_json()
    found = {item["id"]: item for item in body["items"]}
    assert body["total"] == len(found)
    tems = db.session.scalars(select(Instrument).where(
        Instrument.name.contains("透射"), Instrument.status != "retired")).unique().all()
    assert len(tems) >= 5 and {t.id for t in tems} <= set(found)
    assert sum(item["category_code"] == "010101" for item in found.values()) >= 5
    own = db.session.scalar(select(User.unit_id).where(User.email == "researcher.neu@demo.example"))
    assert all(("inner_id" in item) == (item["unit_id"] == own) for item in found.values())
    model = client.get("/api/v1/instruments?q=jem-2100f", headers=headers).get_json()
    assert model["total"] >= 1 and all("2100F" in item["model"] for item in model["items"])


def test_demo_rows_are_deterministic():
    units = {short: SimpleNamespace(id=n, city=city) for n, (_, short, _, city, _) in enumerate(UNITS, 1)}
    first, second = instrument_rows(units), instrument_rows(units)
    assert first == second and 250 <= len(first) <= 400
