"""Qualifications: managers of the instrument's unit grant, replace and revoke them."""
import pytest

from instruments.models import Instrument
from sharing.audit import AuditEvent
from sharing.extensions import db
from tests.helpers import make_unit, make_user


@pytest.fixture
def world(ctx):
    a, b = make_unit(name="甲"), make_unit(name="乙")
    instrument = Instrument(unit_id=a.id, inner_id="Q-1", name="流式细胞仪", model="FACSAria III", manufacturer="BD",
                            category_code="011012", price_cny=3_000_000, booking_rules={})
    db.session.add(instrument)
    db.session.commit()
    return {"instrument": instrument, "manager": make_user(a, roles=["manager"]),
            "other_manager": make_user(b, roles=["manager"]), "trainee": make_user(b),
            "evaluator": make_user(b, roles=["evaluator"]), "bystander": make_user(a)}


def _path(world, suffix=""):
    return f"/api/v1/instruments/{world['instrument'].id}/qualifications{suffix}"


def test_grant_replace_list_and_revoke(api, world):
    trainee = world["trainee"]
    r = api.post(_path(world), world["manager"], json={"user_id": trainee.id, "level": "guided",
                                                       "expires_at": "2027-06-30T18:00:00"})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["level"] == "guided" and r.get_json()["expires_at"] == "2027-06-30T18:00:00+08:00"
    r = api.post(_path(world), world["manager"], json={"user_id": trainee.id, "level": "independent",
                                                       "expires_at": None})
    assert r.status_code == 201 and r.get_json()["level"] == "independent" and r.get_json()["expires_at"] is None
    listed = api.get(_path(world), world["manager"]).get_json()
    assert [(q["user_id"], q["level"]) for q in listed] == [(trainee.id, "independent")]
    assert api.get(_path(world), world["evaluator"]).get_json() == listed
    assert api.get(_path(world), world["trainee"]).get_json() == listed      # their own
    assert api.get(_path(world), world["bystander"]).get_json() == []        # not theirs
    assert api.delete(_path(world, f"/{trainee.id}"), world["manager"]).status_code == 204
    assert api.delete(_path(world, f"/{trainee.id}"), world["manager"]).status_code == 404
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.entity_type == "qualifications")
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["create", "update", "delete"]


def test_only_managers_of_the_unit_grant(api, world):
    body = {"user_id": world["trainee"].id, "level": "guided"}
    for who in ("other_manager", "trainee", "evaluator", "bystander"):
        assert api.post(_path(world), world[who], json=body).status_code == 403, who
    api.post(_path(world), world["manager"], json=body)
    assert api.delete(_path(world, f"/{world['trainee'].id}"), world["other_manager"]).status_code == 403


def test_bad_input(api, world):
    r = api.post(_path(world), world["manager"], json={"user_id": 99999, "level": "guided"})
    assert r.status_code == 422 and "user_id" in r.get_json()["error"]["fields"]
    r = api.post(_path(world), world["manager"], json={"user_id": world["trainee"].id, "level": "expert"})
    assert r.status_code == 422 and "level" in r.get_json()["error"]["fields"]
    assert api.post("/api/v1/instruments/99999/qualifications", world["manager"],
                    json={"user_id": world["trainee"].id, "level": "guided"}).status_code == 404
