"""Catalogue pages: search, the instrument page, the manager's form, retiring, the import page.

The pages call the same services as the API, so these tests check what people see and that the
same rules hold: private fields, unit scoping, validation shown next to the inputs.
"""
from __future__ import annotations

import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from instruments.models import Instrument
from sharing.extensions import db
from tests.helpers import make_unit, make_user, page_login

_counter = iter(range(1, 10**9))


def make_instrument(unit, **fields) -> Instrument:
    data = {
        "inner_id": f"ZC-{next(_counter):05d}",
        "name": "场发射透射电子显微镜",
        "name_en": "Field Emission Transmission Electron Microscope",
        "model": "JEM-F200",
        "manufacturer": "日本电子 JEOL",
        "category_code": "010101",
        "price_cny": Decimal("8500000"),
        "city": unit.city,
        **fields,
    }
    instrument = Instrument(unit_id=unit.id, **data)
    db.session.add(instrument)
    db.session.commit()
    return instrument


class FormReader(HTMLParser):
    """What a browser would submit from a page's form: every input with its current value."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.values = form_id, False, {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[a["name"]] = a.get("value", "y")
            elif a.get("type") != "submit":
                self.values[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            self.values.setdefault(self._select, None)
        elif tag == "option" and self._select and ("selected" in a or self.values[self._select] is None):
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self.values[self._textarea] = self.values[self._textarea].lstrip("\n")
            self._textarea = None
        elif tag == "form":
            self.inside = False


def form_values(html: str, form_id: str = "instrument-form") -> dict:
    reader = FormReader(form_id)
    reader.feed(html)
    return reader.values


def submit(client, path, changes: dict, form_id="instrument-form"):
    """Load the form at ``path``, change some inputs (None unticks a checkbox) and post it."""
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    values = form_values(page.get_data(as_text=True), form_id)
    values.update(changes)
    return client.post(path, data={k: v for k, v in values.items() if v is not None})


def text_of(response) -> str:
    """The page's visible text, tags removed, white space collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def english(client) -> None:
    client.get("/lang/en?next=/")


@pytest.fixture
def world(ctx):
    """Two units, a manager in each, researchers, an evaluator and an admin."""
    home = make_unit(name="东北大学", short_name="东大", city="沈阳")
    away = make_unit(name="大连理工大学", short_name="大工", city="大连")
    people = {
        "manager": make_user(home, roles=["manager"], email="manager@example.org", name="王经理"),
        "colleague": make_user(home, email="colleague@example.org", name="同事"),
        "other_manager": make_user(away, roles=["manager"], email="other@example.org", name="李经理"),
        "researcher": make_user(away, email="researcher@example.org", name="赵研究员"),
        "evaluator": make_user(away, roles=["evaluator"], email="evaluator@example.org"),
        "admin": make_user(away, roles=["admin"], email="admin@example.org"),
    }
    return home, away, people


def result_names(response) -> list[str]:
    html = response.get_data(as_text=True)
    body = html.split('id="instruments-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'class="fw-semibold">([^<]+)</a>', body)


# --- search -----------------------------------------------------------------------------------

def test_search_by_chinese_substring_and_english_case_insensitive(client, world):
    home, away, people = world
    make_instrument(home)
    make_instrument(away, name="扫描电子显微镜", name_en="Scanning Electron Microscope", model="SU8010",
                    manufacturer="日立 Hitachi", category_code="010102")
    make_instrument(home, name="X射线衍射仪", name_en="X-ray Diffractometer", model="D8 ADVANCE",
                    manufacturer="布鲁克 Bruker", category_code="010301")
    page_login(client, "researcher@example.org")

    assert result_names(client.get("/instruments?q=透射")) == ["场发射透射电子显微镜"]
    assert result_names(client.get("/instruments?q=transmission")) == ["场发射透射电子显微镜"]
    assert result_names(client.get("/instruments?q=HITACHI")) == ["扫描电子显微镜"]
    assert sorted(result_names(client.get("/instruments?q=电子显微镜"))) == ["场发射透射电子显微镜", "扫描电子显微镜"]
    assert result_names(client.get("/instruments?q=d8 bruker")) == ["X射线衍射仪"]
    assert result_names(client.get("/instruments?q=核磁")) == []
    assert "id=\"q\"" in client.get("/instruments?q=透射").get_data(as_text=True)
    assert 'value="透射"' in client.get("/instruments?q=透射").get_data(as_text=True)


def test_filters_sorting_and_pagination_keep_the_filters(client, world):
    home, away, people = world
    make_instrument(home, name="透射电镜甲", price_cny=Decimal("3000000"))
    make_instrument(home, name="扫描电镜乙", category_code="010102", price_cny=Decimal("1200000"))
    make_instrument(away, name="透射电镜丙", price_cny=Decimal("6000000"), share_mode="internal")
    make_instrument(away, name="旧透射电镜", status="retired")
    make_instrument(home, name="故障衍射仪", category_code="010301", status="faulty")
    make_instrument(home, name="自用质谱仪", category_code="010201", share_mode="internal")
    page_login(client, "researcher@example.org")  # of the other unit (大连)

    names = lambda query: result_names(client.get("/instruments" + query))  # noqa: E731
    assert "is-invalid" not in client.get("/instruments?category=0101").get_data(as_text=True)  # a link with one filter
    assert "旧透射电镜" not in names("")  # retired ones only when asked for
    assert names("?status=retired") == ["旧透射电镜"]
    assert set(names("?category=0101")) == {"透射电镜甲", "扫描电镜乙", "透射电镜丙"}
    assert set(names("?category=01")) == {"透射电镜甲", "扫描电镜乙", "透射电镜丙", "故障衍射仪", "自用质谱仪"}
    assert names("?category=010102") == ["扫描电镜乙"]
    assert set(names(f"?unit_id={away.id}")) == {"透射电镜丙"}
    assert set(names("?city=大连")) == {"透射电镜丙"}
    assert set(names("?share_mode=internal")) == {"透射电镜丙", "自用质谱仪"}
    # Bookable by this researcher: in service, and open to other units or internal to their own.
    assert set(names("?bookable=y")) == {"透射电镜甲", "扫描电镜乙", "透射电镜丙"}
    # Prices in 万元 on the page: 150–400 万元.
    assert names("?price_min_wan=150&price_max_wan=400") == ["透射电镜甲"]
    assert names("?category=0101&sort=-price_cny") == ["透射电镜丙", "透射电镜甲", "扫描电镜乙"]
    assert names("?category=0101&sort=price_cny") == ["扫描电镜乙", "透射电镜甲", "透射电镜丙"]
    # A wrong input is shown next to its filter and otherwise ignored.
    bad = client.get("/instruments?price_min_wan=abc")
    assert bad.status_code == 200 and "is-invalid" in bad.get_data(as_text=True)
    assert len(result_names(bad)) == 5

    # Export links carry the same filters (prices converted to yuan).
    html = client.get("/instruments?category=0101&price_min_wan=150&q=电镜").get_data(as_text=True)
    export = re.findall(r'href="(/api/v1/instruments/export\?[^"]+)"', html)
    assert {re.search(r"format=(\w+)", unescape(u)).group(1) for u in export} == {"csv", "xlsx", "nrii"}
    assert all("category=0101" in unescape(u) and "price_min=1500000" in unescape(u) for u in export)

    for n in range(25):
        make_instrument(home, name=f"分光光度计{n:02d}", category_code="010401")
    first = client.get("/instruments?category=010401&sort=name")
    assert len(result_names(first)) == 20
    next_link = re.search(r'href="([^"]*page=2[^"]*)"', first.get_data(as_text=True)).group(1)
    assert "category=010401" in unescape(next_link) and "sort=name" in unescape(next_link)
    second = client.get(unescape(next_link))
    assert result_names(second) == [f"分光光度计{n:02d}" for n in range(20, 25)]


# --- the instrument page ----------------------------------------------------------------------

def test_private_fields_only_for_the_owning_unit_evaluators_and_admins(app, world):
    home, away, people = world
    instrument = make_instrument(home, inner_id="DB-2019-0042", internal_notes="电子枪更换记录见档案柜",
                                 fee_internal=Decimal("300"), fee_external=Decimal("600"))
    path = f"/instruments/{instrument.id}"
    for email, sees in (("researcher@example.org", False), ("other@example.org", False),
                        ("colleague@example.org", True), ("manager@example.org", True),
                        ("evaluator@example.org", True), ("admin@example.org", True)):
        client = app.test_client()
        page_login(client, email)
        html = client.get(path).get_data(as_text=True)
        assert "场发射透射电子显微镜" in html and "东北大学" in html and "¥600.00" in html, email
        assert ("DB-2019-0042" in html) is sees, email
        assert ("电子枪更换记录见档案柜" in html) is sees, email
        assert ('id="history"' in html) is sees, email


def test_booking_rules_in_plain_words(client, world):
    home, _away, _people = world
    instrument = make_instrument(home, booking_rules={
        "approval": "manager", "slot_minutes": 60, "min_minutes": 60, "max_minutes": 240,
        "lead_minutes": 1440, "horizon_days": 7, "cancel_deadline_minutes": 1440, "requires_qualification": True,
        "max_active_per_user": 2, "buffer_minutes": 30, "closed_on_holidays": True,
        "open_hours": [{"weekday": d, "start": "08:30", "end": "17:30"} for d in range(5)]
        + [{"weekday": 5, "start": "09:00", "end": "12:00"}],
    })
    page_login(client, "researcher@example.org")
    english(client)
    text = text_of(client.get(f"/instruments/{instrument.id}"))
    for words in ("Needs the manager's approval", "Mon–Fri 08:30–17:30", "Sat 09:00–12:00", "Sun closed",
                  "Closed on public holidays", "on a grid of 1 hour", "From 1 hour to 4 hours",
                  "At least 1 day before the start", "Up to 7 days ahead", "Until 1 day before the start",
                  "requires a valid qualification", "30 minutes kept free after each booking",
                  "At most 2 future bookings per user"):
        assert words in text, words
    client.get("/lang/zh_CN?next=/")
    assert "周一" in text_of(client.get(f"/instruments/{instrument.id}"))  # weekday names in Chinese


def test_unknown_instrument_is_a_404_page(client, world):
    page_login(client, "researcher@example.org")
    r = client.get("/instruments/999999")
    assert r.status_code == 404 and 'id="error-message"' in r.get_data(as_text=True)


def test_catalogue_needs_login_and_the_navbar_links_it(client, world):
    assert client.get("/instruments").status_code == 302
    page_login(client, "researcher@example.org")
    assert 'id="nav-instruments" href="/instruments"' in client.get("/").get_data(as_text=True)
    html = client.get("/instruments").get_data(as_text=True)
    assert 'id="new-instrument"' not in html  # researchers do not register instruments
    assert client.get("/instruments/new").status_code == 403
    assert client.get("/instruments/import").status_code == 403


# --- who may change what ----------------------------------------------------------------------

def test_manager_of_another_unit_cannot_register_edit_or_retire(client, world):
    home, away, people = world
    theirs = make_instrument(away, name="他单位的电镜")
    page_login(client, "manager@example.org")
    assert client.get(f"/instruments/new?unit_id={away.id}").status_code == 403
    assert client.get(f"/instruments/{theirs.id}/edit").status_code == 403
    assert client.get(f"/instruments/{theirs.id}/retire").status_code == 403
    page = client.get(f"/instruments/{theirs.id}").get_data(as_text=True)
    assert 'id="edit-instrument"' not in page and 'id="retire-form"' not in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/instruments/{theirs.id}/retire", data={"csrf_token": token}).status_code == 403
    r = client.post(f"/instruments/{theirs.id}/edit", data={"csrf_token": token, "name": "改名", "status": "faulty"})
    assert r.status_code == 403
    db.session.expire_all()
    assert (theirs.status, theirs.name) == ("normal", "他单位的电镜")
    # Their own unit's form is fine.
    assert client.get("/instruments/new").status_code == 200


def test_retire_after_confirmation(client, world):
    home, _away, _people = world
    instrument = make_instrument(home)
    page_login(client, "manager@example.org")
    confirm = client.get(f"/instruments/{instrument.id}/retire")
    assert confirm.status_code == 200 and 'id="retire-form"' in confirm.get_data(as_text=True)
    r = submit(client, f"/instruments/{instrument.id}/retire", {}, form_id="retire-form")
    assert r.status_code == 302 and r.location.endswith(f"/instruments/{instrument.id}")
    db.session.expire_all()
    assert db.session.get(Instrument, instrument.id).status == "retired"
    assert result_names(client.get("/instruments")) == []
    assert result_names(client.get("/instruments?status=retired")) == ["场发射透射电子显微镜"]


# --- the form ---------------------------------------------------------------------------------

NEW_TEM = {
    "inner_id": "DB-2024-0001", "name": "场发射透射电子显微镜", "name_en": "Field Emission TEM", "model": "JEM-F200",
    "manufacturer": "日本电子株式会社", "country": "日本", "category_code": "010101", "price_cny": "8500000",
    "purchase_date": "2023-06-01", "commission_date": "2023-09-15", "source": "purchase", "funding_source": "central",
    "specs": "点分辨率 0.23 nm；加速电压 80–200 kV", "location": "浩然楼 101", "contact_name": "王老师",
    "contact_phone": "024-83687000", "contact_email": "tem@neu.edu.cn", "fee_internal": "300", "fee_external": "600",
    "fee_sample_external": "800", "internal_notes": "保修至 2026 年", "rule_approval": "manager",
    "rule_max_minutes": "240", "open_5": "y", "open_5_start": "09:00", "open_5_end": "12:00",
}


def test_create_form_with_errors_shows_them_next_to_the_fields_and_writes_nothing(client, world):
    page_login(client, "manager@example.org")
    r = submit(client, "/instruments/new", {
        **NEW_TEM, "name": "", "category_code": "010100", "price_cny": "-5", "contact_email": "not-an-email",
        "purchase_date": "2023-06-01", "commission_date": "2023-01-01", "booking_url": "not a url",
        "rule_min_minutes": "600", "rule_max_minutes": "240", "open_2_start": "18:00", "open_2_end": "08:00",
    })
    assert r.status_code == 200
    html = r.get_data(as_text=True)

    def error_after(name):
        """The invalid-feedback text that follows the input called ``name``."""
        match = re.search(rf'name="{name}"[^>]*class="[^"]*is-invalid|class="[^"]*is-invalid[^"]*"[^>]*name="{name}"',
                          html)
        assert match, f"{name} is not marked invalid"
        feedback = re.search(r'<div class="invalid-feedback">([^<]+)</div>', html[match.end():])
        return feedback.group(1)

    assert error_after("name")
    assert error_after("category_code")  # not a leaf
    assert error_after("price_cny")
    assert error_after("contact_email")
    assert error_after("commission_date")
    assert error_after("booking_url")
    assert error_after("open_2_end")  # Wednesday ends before it starts
    assert db.session.scalar(select(func.count(Instrument.id))) == 0
    # The inputs keep what was typed.
    assert 'value="DB-2024-0001"' in html and 'value="not-an-email"' in html

    # Rules that contradict each other are refused by the service: min longer than max.
    r = submit(client, "/instruments/new", {**NEW_TEM, "rule_min_minutes": "600", "rule_max_minutes": "240"})
    assert r.status_code == 200 and "is-invalid" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Instrument.id))) == 0

    # Messages in Chinese by default.
    r = submit(client, "/instruments/new", {**NEW_TEM, "price_cny": ""})
    assert "该字段是必填字段。" in r.get_data(as_text=True)


def test_register_and_edit_an_instrument(client, world):
    home, _away, people = world
    page_login(client, "manager@example.org")
    form = client.get("/instruments/new").get_data(as_text=True)
    assert '<optgroup label="分析仪器 / 电子光学仪器">' in form
    assert '<option value="010101">010101 透射电镜</option>' in form
    assert 'value="010100"' not in form  # only leaves can be picked
    r = submit(client, "/instruments/new", NEW_TEM)
    assert r.status_code == 302, text_of(r)
    instrument = db.session.scalar(select(Instrument).where(Instrument.inner_id == "DB-2024-0001"))
    assert r.location.endswith(f"/instruments/{instrument.id}")
    assert instrument.unit_id == home.id and instrument.city == "沈阳"  # the unit's city by default
    assert instrument.price_cny == Decimal("8500000.00") and instrument.fee_sample_external == Decimal("800")
    assert instrument.purchase_date.isoformat() == "2023-06-01" and instrument.source == "purchase"
    assert instrument.internal_notes == "保修至 2026 年" and instrument.fee_sample_internal is None
    rules = instrument.booking_rules
    assert rules["approval"] == "manager" and rules["max_minutes"] == 240 and rules["slot_minutes"] == 30
    assert {"weekday": 5, "start": "09:00", "end": "12:00"} in rules["open_hours"]
    assert len(rules["open_hours"]) == 6 and rules["max_active_per_user"] is None

    # Edit: the form shows the stored values; change the fee, the status and the opening hours.
    edit_path = f"/instruments/{instrument.id}/edit"
    values = form_values(client.get(edit_path).get_data(as_text=True))
    assert values["name"] == "场发射透射电子显微镜" and values["fee_external"] == "600.00"
    assert values["open_5"] == "y" and values["open_5_start"] == "09:00" and "open_6" not in values
    r = submit(client, edit_path, {"fee_external": "650", "status": "faulty", "open_5": None,
                                   "rule_max_active_per_user": "3", "rule_requires_qualification": "y"})
    assert r.status_code == 302, text_of(r)
    db.session.expire_all()
    instrument = db.session.get(Instrument, instrument.id)
    assert instrument.fee_external == Decimal("650") and instrument.status == "faulty"
    assert instrument.booking_rules["max_active_per_user"] == 3
    assert instrument.booking_rules["requires_qualification"] is True
    assert [p["weekday"] for p in instrument.booking_rules["open_hours"]] == [0, 1, 2, 3, 4]
    # A duplicate asset number in the unit is shown next to its input.
    other = make_instrument(home, inner_id="DB-OTHER")
    r = submit(client, f"/instruments/{other.id}/edit", {"inner_id": "DB-2024-0001"})
    assert r.status_code == 200 and re.search(r'name="inner_id"[^>]*is-invalid|is-invalid[^"]*"[^>]*name="inner_id"',
                                              r.get_data(as_text=True))


def test_admin_registers_for_any_unit(client, world):
    home, away, _people = world
    page_login(client, "admin@example.org")
    r = submit(client, f"/instruments/new?unit_id={home.id}", {**NEW_TEM, "inner_id": "ADM-1"})
    assert r.status_code == 302
    assert db.session.scalar(select(Instrument.unit_id).where(Instrument.inner_id == "ADM-1")) == home.id


def test_history_shows_a_status_change_and_who_made_it(client, world):
    home, _away, people = world
    instrument = make_instrument(home)
    page_login(client, "manager@example.org")
    english(client)
    assert submit(client, f"/instruments/{instrument.id}/edit", {"status": "under_repair"}).status_code == 302
    html = client.get(f"/instruments/{instrument.id}").get_data(as_text=True)
    history = text_of_section(html, "history")
    assert "王经理" in history and "In service → Under repair" in history
    assert "Status" in history


def text_of_section(html: str, section_id: str) -> str:
    part = html.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", part)))


# --- import page ------------------------------------------------------------------------------

def test_import_page_and_csv_template(client, world):
    page_login(client, "manager@example.org")
    html = client.get("/instruments/import").get_data(as_text=True)
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', html)
    assert 'src="/static/js/instrument-import.js"' in html
    assert "<script>" not in html and " onclick=" not in html  # no inline scripts (CSP)
    r = client.get("/instruments/import/template.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    body = r.data.decode("utf-8")
    assert body.startswith("\ufeff所在单位仪器编号,仪器名称,英文名称,规格型号,生产制造商")
    assert "原值（元）" in body and "分类编码" in body
    assert client.get("/static/js/instrument-import.js").status_code == 200


def test_export_links_are_accepted_by_the_export_endpoint(app, client, world):
    if "/api/v1/instruments/export" not in {rule.rule for rule in app.url_map.iter_rules()}:
        pytest.skip("GET /api/v1/instruments/export is not there yet")
    home, _away, _people = world
    make_instrument(home, price_cny=Decimal("3000000"))
    page_login(client, "researcher@example.org")
    html = client.get("/instruments?q=透射&category=0101&price_min_wan=150&bookable=y&sort=-price_cny")
    for link in re.findall(r'href="(/api/v1/instruments/export\?[^"]+)"', html.get_data(as_text=True)):
        r = client.get(unescape(link), buffered=True)  # the session cookie authenticates GET API calls
        assert r.status_code == 200, (link, r.data[:300])
        if r.mimetype.endswith("sheet"):
            assert r.data.startswith(b"PK")  # an .xlsx is a zip
        else:
            assert "场发射透射电子显微镜" in r.data.decode("utf-8-sig")
