"""Evaluation pages: scores table, manual items with who entered them, the rubric admin (copy, adjust)."""
from __future__ import annotations

import re

from reports import rubrics
from tests.helpers import csrf_token, make_user, page_login
from tests.test_evaluations import MOE, UNI, ledger  # noqa: F401  (the golden ledger of the evaluation tests)


def login(client, user):
    page_login(client, user.email)
    return user


def score_of(html: str, subject_id) -> tuple[str, str]:
    row = re.search(rf'<tr data-subject="{subject_id}">(.*?)</tr>', html, re.S).group(1)
    score = re.search(r'data-column="score">([^<]*)<', row).group(1)
    grade = re.search(r'data-grade="(\w)"', row).group(1)
    return score, grade


def test_evaluations_page_and_manual_items(client, ledger):  # noqa: F811
    u1 = ledger["u"][0]
    evaluator = login(client, ledger["evaluator"])
    page = client.get(f"/reports/evaluations?scheme={UNI}&year=2025")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="nav-evaluations"' in html and 'id="nav-rubrics"' not in html
    assert score_of(html, u1.id) == ("23.00", "D")  # 10 + 3 + 5 + 5 (see test_evaluations)
    assert "较差" in html and "甲大学" in html
    link = f"/reports/evaluations/{UNI}/2025/{u1.id}/manual"
    assert f'href="{link}"' in html
    form = client.get(link)
    assert form.status_code == 200
    assert "尚未" in form.get_data(as_text=True) or "Not entered" in form.get_data(as_text=True)
    token = csrf_token(form.get_data(as_text=True))
    bad = client.post(link, data={"csrf_token": token, "platform": "5", "talent_support": "12"})
    assert bad.status_code == 422  # 0–10: nothing is lost, the form comes back with the error
    assert 'value="12"' in bad.get_data(as_text=True)
    assert client.post(link, data={"platform": "5"}).status_code == 400  # no CSRF token
    saved = client.post(link, data={"csrf_token": token, "platform": "5", "talent_support": "8",
                                    "function_use_rate": "0.5"})
    assert saved.status_code == 302
    html = client.get(f"/reports/evaluations?scheme={UNI}&year=2025").get_data(as_text=True)
    assert score_of(html, u1.id) == ("39.00", "D")  # 23 + 5 + 8 + 0.5 × 6
    moe = client.get(f"/reports/evaluations?scheme={MOE}&year=2024").get_data(as_text=True)
    a1 = ledger["i"]["A1"]
    assert score_of(moe, a1.id) == ("45.50", "D")  # 24.5 + 9 + 12, nothing entered for MOE
    assert "2024-09-01" in moe and f'href="/reports/evaluations/{MOE}/2024/{a1.id}/manual"' in moe
    assert client.get("/reports/evaluations").status_code == 200  # defaults: first rubric, last year
    again = client.get(link).get_data(as_text=True)
    assert evaluator.name in re.search(r'id="entered-platform">(.*?)</div>', again, re.S).group(1)
    assert "尚未" in re.search(r'id="entered-records">(.*?)</div>', again, re.S).group(1) or "Not entered" in again


def test_pages_for_other_roles(client, ledger):  # noqa: F811
    u1, u2, _ = ledger["u"]
    login(client, make_user(u1, roles=("manager",)))
    html = client.get(f"/reports/evaluations?scheme={UNI}&year=2025").get_data(as_text=True)
    assert re.findall(r'<tr data-subject="(\d+)">', html) == [str(u1.id)]
    assert "/manual" not in html
    assert client.get(f"/reports/evaluations/{UNI}/2025/{u1.id}/manual").status_code == 403
    assert client.get("/reports/rubrics").status_code == 403
    researcher_client = client.application.test_client()
    login(researcher_client, ledger["alice"])
    assert researcher_client.get("/reports/evaluations").status_code == 403


def test_rubric_admin_copy_and_adjust(client, ledger):  # noqa: F811
    login(client, make_user(ledger["u"][0], roles=("admin",)))
    listing = client.get("/reports/rubrics").get_data(as_text=True)
    assert MOE in listing and UNI in listing and 'id="nav-rubrics"' in listing
    detail = client.get(f"/reports/rubrics/{MOE}").get_data(as_text=True)
    assert "v1" in detail and "min(value * 100, 100)" in detail
    # copy
    copy_page = client.get(f"/reports/rubrics/{MOE}/copy").get_data(as_text=True)
    token = csrf_token(copy_page)
    taken = client.post(f"/reports/rubrics/{MOE}/copy", data={"csrf_token": token, "new_id": UNI,
                                                              "name_zh": "副本", "name_en": ""})
    assert taken.status_code == 422
    copied = client.post(f"/reports/rubrics/{MOE}/copy", data={"csrf_token": token, "new_id": "moe-local",
                                                               "name_zh": "本校效益评价", "name_en": "Local benefit"})
    assert copied.status_code == 302 and copied.headers["Location"].endswith("/reports/rubrics/moe-local")
    assert rubrics.get_version("moe-local").definition == rubrics.get_version(MOE).definition
    # adjust with a bad expression: refused with the message next to the field, input kept, nothing saved
    page = client.get("/reports/rubrics/moe-local/adjust").get_data(as_text=True)
    data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    data["csrf_token"] = csrf_token(page)
    data["items__hour_use__expression"] = "value.__class__"
    data["items__hour_use__points"] = "80"
    refused = client.post("/reports/rubrics/moe-local/adjust", data=data)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert re.search(r'name="items__hour_use__expression"[^>]*value="value.__class__"', body)
    assert "invalid-feedback" in body and rubrics.get_version("moe-local").version == 1
    # a good adjustment saves version 2
    data["items__hour_use__expression"] = "min(value * 80, 80)"
    data["settings__scope_min_price"] = "200000"
    data["grades__A__min"] = "85"
    data["note"] = "本校口径"
    saved = client.post("/reports/rubrics/moe-local/adjust", data=data)
    assert saved.status_code == 302
    v2 = rubrics.get_version("moe-local")
    assert v2.version == 2 and v2.note == "本校口径"
    assert v2.definition["settings"]["scope_min_price"] == 200000
    hour_use = next(i for i in v2.definition["items"] if i["id"] == "hour_use")
    assert hour_use["expression"] == "min(value * 80, 80)" and hour_use["points"] == 80
    assert v2.definition["grades"][0]["min"] == 85
    assert rubrics.get_version("moe-local", 1).definition == rubrics.get_version(MOE).definition
    listing = client.get("/reports/rubrics").get_data(as_text=True)
    versions = re.search(r'<tr data-scheme="moe-local">.*?data-column="versions">(.*?)</td>', listing, re.S).group(1)
    assert "v2" in versions and "v1" in versions
    old = client.get("/reports/rubrics/moe-local?version=1")
    assert old.status_code == 200 and "v2" in old.get_data(as_text=True)
    assert client.get("/reports/rubrics/nope").status_code == 404
