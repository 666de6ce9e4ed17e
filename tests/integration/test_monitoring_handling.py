"""Alarm handling: acknowledge → assign → notes with photos → close (or false alarm); wrong steps refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.integration.monitoring_support import GasDetector, batch, gas_detector, post
from yingji.core import events
from yingji.core.events import InProcessBackend
from yingji.core.models import AuditEvent
from yingji.monitoring import alarms, handling
from yingji.monitoring.constants import PHOTO_MAX_BYTES
from yingji.monitoring.models import Alarm, AlarmPhoto

pytestmark = pytest.mark.django_db

ALARMS = "/api/v1/monitoring/alarms"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def gas_a(people: Any, enterprise_a: Any) -> GasDetector:
    return gas_detector("GAS-A1", enterprise_a, people.officer_a)


@pytest.fixture
def alarm(gas_a: GasDetector) -> Alarm:
    response = post(gas_a.client(), batch(gas_a.channel.pk, [10.0, 30.0]))
    assert response.status_code == 200, response.content
    return Alarm.objects.get()


def actions() -> list[str]:
    return list(AuditEvent.objects.filter(object_type="monitoring.alarm").order_by("seq")
                .values_list("action", flat=True))


def test_the_closed_loop_from_acknowledgement_to_a_false_alarm(
        alarm: Alarm, people: Any, client_for: Any, media: Any, django_capture_on_commit_callbacks: Any) -> None:
    heard: list[events.Event] = []
    bus = events.backend()
    assert isinstance(bus, InProcessBackend)
    bus.add_listener(heard.append)
    client = client_for(people.officer_a)
    url = f"{ALARMS}/{alarm.pk}"

    # Nothing before acknowledgement: the wrong step is named in Chinese.
    early = client.post(f"{url}/assign", {"assignee": people.officer_a.pk}, content_type="application/json")
    assert early.status_code == 422 and "请先确认" in early.content.decode()
    early_close = client.post(f"{url}/close", {"cause": "误报", "measures": "无"}, content_type="application/json")
    assert early_close.status_code == 422 and "尚未确认" in early_close.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{url}/acknowledge", {}, content_type="application/json").status_code == 200

    # Assignable people are those whose scope covers the alarm: the enterprise's officer, the county
    # administrator, the township officer of 太平街道; never the other enterprise's officer or the auditor.
    names = {p["name"] for p in client.get(f"{url}/assignees").json()}
    assert {str(people.officer_a), str(people.admin), str(people.township_taiping)} <= names
    assert str(people.officer_b) not in names and str(people.auditor) not in names
    refused = client.post(f"{url}/assign", {"assignee": people.officer_b.pk}, content_type="application/json")
    assert refused.status_code == 422 and "无权查看或处置该报警" in refused.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        assigned = client.post(f"{url}/assign", {"assignee": people.township_taiping.pk, "note": "请街道安监站到场"},
                               content_type="application/json")
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["status"] == "handling"

    # A handling note with two photos; the files are stored under MEDIA and served only in scope.
    with django_capture_on_commit_callbacks(execute=True):
        noted = client.post(f"{url}/notes", {"text": "现场检测 28 %LEL，关闭阀门", "photos": [
            SimpleUploadedFile("现场.png", PNG, content_type="image/png"),
            SimpleUploadedFile("阀门.jpg", JPEG, content_type="application/octet-stream")]})
    assert noted.status_code == 201, noted.content
    photos = noted.json()["photos"]
    assert [p["content_type"] for p in photos] == ["image/png", "image/jpeg"]
    assert {p.file.name.rsplit(".", 1)[1] for p in AlarmPhoto.objects.all()} == {"png", "jpg"}
    assert all((media / p.file.name).exists() for p in AlarmPhoto.objects.all())
    served = client.get(photos[0]["url"])
    assert served.status_code == 200 and b"".join(served.streaming_content) == PNG
    assert served["Content-Type"] == "image/png"
    assert client_for(people.officer_b).get(photos[0]["url"]).status_code == 404
    notes = client.get(f"{url}/notes").json()
    assert [n["text"] for n in notes] == [f"指派给 {people.township_taiping}：请街道安监站到场",
                                          "现场检测 28 %LEL，关闭阀门"]

    with django_capture_on_commit_callbacks(execute=True):
        closed = client.post(f"{url}/close", {"cause": "探头受潮漂移", "measures": "烘干并标定探头",
                                              "false_alarm": True}, content_type="application/json")
    assert closed.status_code == 200, closed.content
    alarm.refresh_from_db()
    assert (alarm.status, alarm.false_alarm, alarm.assignee) == ("closed", True, people.township_taiping)
    late = client.post(f"{url}/notes", {"text": "补充"})
    assert late.status_code == 422 and "报警已关闭" in late.content.decode()
    assert actions() == ["monitoring.alarm.raise", "monitoring.alarm.acknowledge", "monitoring.alarm.assign",
                         "monitoring.alarm.note", "monitoring.alarm.close"]
    assert [e.topic for e in heard] == ["monitoring.alarm.acknowledged", "monitoring.alarm.assigned",
                                        "monitoring.alarm.noted", "monitoring.alarm.closed"]
    assert heard[1].payload["assignee"] == people.township_taiping.pk


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("说明.png", b"just text, not an image", "不是 JPEG、PNG 或 WebP 图片"),
    ("空.jpg", b"", "是空文件"),
    ("大.jpg", b"\xff\xd8\xff" + b"\x00" * PHOTO_MAX_BYTES, "超过 5 MB"),
])
def test_a_bad_photo_is_refused_by_name_and_nothing_is_written(
        alarm: Alarm, people: Any, client_for: Any, media: Any, name: str, content: bytes, reason: str) -> None:
    client = client_for(people.officer_a)
    client.post(f"{ALARMS}/{alarm.pk}/acknowledge", {}, content_type="application/json")
    response = client.post(f"{ALARMS}/{alarm.pk}/notes", {"text": "现场照片", "photos": [
        SimpleUploadedFile("好.png", PNG), SimpleUploadedFile(name, content, content_type="image/png")]})
    assert response.status_code == 422
    body = response.content.decode()
    assert f"“{name}”" in body and reason in body
    assert not AlarmPhoto.objects.exists() and not list(media.rglob("*.*"))
    alarm.refresh_from_db()
    assert alarm.status == "acknowledged" and not alarm.notes.exists()


def test_photo_kinds_are_recognised_by_content() -> None:
    assert handling.photo_kind(PNG) == ("image/png", "png")
    assert handling.photo_kind(JPEG) == ("image/jpeg", "jpg")
    assert handling.photo_kind(WEBP) == ("image/webp", "webp")
    assert handling.photo_kind(b"RIFF\x24\x00\x00\x00WAVEfmt ") is None  # a RIFF that is not WebP
    assert handling.photo_kind(b"GIF89a") is None


def test_outside_scope_is_404_and_read_only_roles_cannot_act(alarm: Alarm, people: Any, client_for: Any) -> None:
    url = f"{ALARMS}/{alarm.pk}"
    assert client_for(people.officer_b).get(url).status_code == 404
    assert client_for(people.officer_b).post(f"{url}/assign", {"assignee": people.officer_b.pk},
                                             content_type="application/json").status_code == 404
    auditor = client_for(people.auditor)
    assert auditor.get(url).status_code == 200  # reads everything
    assert auditor.post(f"{url}/notes", {"text": "x"}).status_code == 404
    unknown = client_for(people.officer_a).post(f"{url}/assign", {"assignee": 999_999},
                                                content_type="application/json")
    assert unknown.status_code == 422 and "不存在" in unknown.content.decode()


def test_handing_over_keeps_handling_and_audits_each_assignment(alarm: Alarm, people: Any) -> None:
    alarms.acknowledge(alarm, actor=people.officer_a)
    handling.assign(alarm, people.officer_a, actor=people.officer_a)
    alarm = handling.assign(alarm, people.admin, actor=people.officer_a, note="交接")
    assert (alarm.status, alarm.assignee) == ("handling", people.admin)
    assert actions().count("monitoring.alarm.assign") == 2
    with pytest.raises(ValidationError, match="处置记录不能为空"):
        handling.add_note(alarm, "  ", actor=people.officer_a)


def test_an_escalation_during_handling_needs_acknowledging_again_then_returns_to_the_assignee(
        alarm: Alarm, gas_a: GasDetector, people: Any) -> None:
    alarms.acknowledge(alarm, actor=people.officer_a)
    handling.assign(alarm, people.township_taiping, actor=people.officer_a)
    post(gas_a.client(), batch(gas_a.channel.pk, [55.0], start_s=20))  # HH: level 2
    alarm.refresh_from_db()
    assert (alarm.status, alarm.level, alarm.assignee) == ("raised", "HH", people.township_taiping)
    with pytest.raises(ValidationError, match="请先确认"):
        handling.add_note(alarm, "继续处置", actor=people.township_taiping)
    alarm = alarms.acknowledge(alarm, actor=people.township_taiping)
    assert alarm.status == "handling"
