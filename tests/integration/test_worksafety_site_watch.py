"""特级动火 under continuous gas monitoring and video (GB 30871-2022 第5章): the permit names a combustible-gas
channel of its site and a video source before it starts; an alarm raised on a named channel suspends it, with
the reason on its timeline and a notice to the supervising department; other channels' alarms do not."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from tests.integration.monitoring_support import GasDetector, batch, gas_detector, post
from tests.integration.worksafety_support import API, Approvers, approve_all, make_approvers, passing_gas, plan_data
from yingji.core.models import AuditEvent
from yingji.monitoring import alarms
from yingji.monitoring.models import Alarm
from yingji.monitoring.rules import Level
from yingji.notify.models import Channel as NotifyChannel
from yingji.notify.models import ChannelKind, ChannelRecipient, Delivery, RoutingRule
from yingji.worksafety import services, watch_services
from yingji.worksafety.constants import WorksafetyAudit
from yingji.worksafety.models import Permit, PermitStatus
from yingji.worksafety.queries import permit_timeline

pytestmark = pytest.mark.django_db
CAMERA = {"video_source": "CAM-E203", "video_url": "rtsp://10.0.0.8:554/live/e203"}


@pytest.fixture
def approvers(enterprise_a: Any) -> Approvers:
    return make_approvers(enterprise_a)


@pytest.fixture
def site(people: Any, enterprise_a: Any) -> GasDetector:
    return gas_detector("GAS-E203", enterprise_a, people.officer_a)


@pytest.fixture
def elsewhere(people: Any, enterprise_a: Any) -> GasDetector:
    return gas_detector("GAS-T101", enterprise_a, people.officer_a)


@pytest.fixture
def bureau_inbox(departments: Any) -> NotifyChannel:
    """The supervising department's in-app channel, and a rule for permits stopped by an alarm."""
    channel = NotifyChannel.objects.create(name="应急局站内消息", kind=ChannelKind.INAPP, is_active=True)
    ChannelRecipient.objects.create(channel=channel, department=departments.emergency)
    rule = RoutingRule.objects.create(name="动火报警暂停", domain="worksafety", kinds=["alarm_suspended"],
                                      min_level=0, area_prefix="", is_active=True)
    rule.channels.set([channel])
    return channel


def approved_special(enterprise: Any, applicant: Any, approvers: Approvers) -> Permit:
    permit = services.create_permit(plan_data(enterprise, work_type="hot_work", level="special", hours=4,
                                              place="催化裂化装置 E-203 出口管线"), actor=applicant)
    permit = approve_all(services.submit_permit(permit, actor=applicant), approvers)
    assert permit.level == "special" and permit.status == PermitStatus.APPROVED
    passing_gas(permit, applicant)
    return permit


def started(permit: Permit, applicant: Any, channel: Any) -> Permit:
    watch_services.link_site_watch(permit, {"monitor_channels": [channel.pk], **CAMERA}, actor=applicant)
    return services.start_work(permit, actor=applicant)


def test_special_hot_work_start_refused_without_gas_monitoring_and_video(
        people: Any, enterprise_a: Any, approvers: Approvers, site: GasDetector) -> None:
    permit = approved_special(enterprise_a, people.officer_a, approvers)
    with pytest.raises(ValidationError) as refused:
        services.start_work(permit, actor=people.officer_a)
    errors = refused.value.message_dict
    assert "可燃气体连续监测" in errors["monitor_channels"][0] and "视频监控" in errors["video_source"][0]
    watch_services.link_site_watch(permit, {"video_source": "CAM-E203"}, actor=people.officer_a)
    with pytest.raises(ValidationError, match="可燃气体连续监测"):  # video alone is not enough
        services.start_work(permit, actor=people.officer_a)
    watch_services.link_site_watch(permit, {"monitor_channels": [site.channel.pk]}, actor=people.officer_a)
    permit = services.start_work(permit, actor=people.officer_a)
    assert permit.status == PermitStatus.IN_PROGRESS


def test_second_level_hot_work_needs_neither(people: Any, enterprise_a: Any, approvers: Approvers) -> None:
    permit = services.create_permit(plan_data(enterprise_a, work_type="hot_work", level="2", hours=4),
                                    actor=people.officer_a)
    permit = approve_all(services.submit_permit(permit, actor=people.officer_a), approvers)
    passing_gas(permit, people.officer_a)
    if permit.level == "special":
        pytest.skip("raised to 特级 by tonight's or today's calendar")
    assert services.start_work(permit, actor=people.officer_a).status == PermitStatus.IN_PROGRESS


def test_linking_refuses_channels_of_other_firms_bad_urls_and_work_under_way(
        people: Any, enterprise_a: Any, enterprise_b: Any, approvers: Approvers, site: GasDetector) -> None:
    foreign = gas_detector("GAS-B1", enterprise_b, people.officer_b)
    permit = approved_special(enterprise_a, people.officer_a, approvers)
    with pytest.raises(ValidationError) as refused:
        watch_services.link_site_watch(permit, {"monitor_channels": [site.channel.pk, foreign.channel.pk],
                                                "video_url": "ftp://cam/e203"}, actor=people.officer_a)
    errors = refused.value.message_dict
    assert str(foreign.channel.pk) in errors["monitor_channels"][0] and "rtsp://" in errors["video_url"][0]
    permit.refresh_from_db()
    assert permit.monitor_channels.count() == 0 and permit.video_url == ""  # nothing written
    permit = started(permit, people.officer_a, site.channel)
    with pytest.raises(ValidationError, match="开始作业后不能更改"):
        watch_services.link_site_watch(permit, {"monitor_channels": []}, actor=people.officer_a)


def test_an_alarm_raised_by_readings_on_the_linked_channel_suspends_the_work(
        people: Any, enterprise_a: Any, approvers: Approvers, site: GasDetector, bureau_inbox: NotifyChannel,
        django_capture_on_commit_callbacks: Any) -> None:
    permit = started(approved_special(enterprise_a, people.officer_a, approvers), people.officer_a, site.channel)
    with django_capture_on_commit_callbacks(execute=True):
        answer = post(site.client(), batch(site.channel.reference, [3.0, 30.0]))
    assert answer.status_code == 200, answer.content
    alarm = Alarm.objects.get(channel=site.channel)
    permit.refresh_from_db()
    assert permit.status == PermitStatus.SUSPENDED
    assert permit.suspension_reason.startswith("监测报警自动暂停：GAS-E203/combustible_gas")
    assert "30 %LEL" in permit.suspension_reason
    suspended = [t for t in permit_timeline(permit) if t["action"] == WorksafetyAudit.PERMIT_SUSPEND]
    assert suspended and suspended[-1]["note"] == permit.suspension_reason and suspended[-1]["actor"] == "系统"
    notice = Delivery.objects.get(domain="worksafety", kind="alarm_suspended")
    assert notice.source_key == f"worksafety.permit:{permit.pk}:alarm:{alarm.pk}"
    assert permit.number in notice.body and notice.link == f"/worksafety/permits/{permit.pk}/"
    # work resumes only once the alarm is handled: still active → refused, naming the channel
    passing_gas(permit, people.officer_a)
    with pytest.raises(ValidationError, match="GAS-E203/combustible_gas"):
        services.resume_work(permit, actor=people.officer_a)


def test_alarms_on_other_channels_do_not_suspend(
        people: Any, enterprise_a: Any, approvers: Approvers, site: GasDetector, elsewhere: GasDetector,
        django_capture_on_commit_callbacks: Any) -> None:
    permit = started(approved_special(enterprise_a, people.officer_a, approvers), people.officer_a, site.channel)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(elsewhere.client(), batch(elsewhere.channel.reference, [3.0, 60.0])).status_code == 200
        with transaction.atomic():
            alarms.raise_alarm(elsewhere.channel, rule_id="manual", level=Level.HH, message="人工报警")
    assert Alarm.objects.filter(channel=elsewhere.channel).count() == 2
    permit.refresh_from_db()
    assert permit.status == PermitStatus.IN_PROGRESS and permit.suspension_reason == ""


def test_the_tick_catches_up_an_alarm_whose_event_was_lost(
        people: Any, enterprise_a: Any, approvers: Approvers, site: GasDetector) -> None:
    permit = started(approved_special(enterprise_a, people.officer_a, approvers), people.officer_a, site.channel)
    with transaction.atomic():  # no on-commit callbacks run here: the event never reaches the reaction
        alarms.raise_alarm(site.channel, rule_id="offline", level=Level.OFFLINE, message="设备离线")
    permit.refresh_from_db()
    assert permit.status == PermitStatus.IN_PROGRESS
    assert watch_services.suspend_for_active_alarms() == 1
    permit.refresh_from_db()
    assert permit.status == PermitStatus.SUSPENDED and "设备离线" in permit.suspension_reason
    assert watch_services.suspend_for_active_alarms() == 0  # once


def test_api_and_page_show_the_links_and_latest_readings(
        people: Any, enterprise_a: Any, approvers: Approvers, site: GasDetector, client_for: Any) -> None:
    permit = approved_special(enterprise_a, people.officer_a, approvers)
    client = client_for(people.officer_a)
    refused = client.post(f"{API}/permits/{permit.pk}/start")
    assert refused.status_code == 422 and "视频监控" in refused.content.decode()
    channels = client.get(f"{API}/permits/{permit.pk}/site-watch/channels").json()
    assert [c["reference"] for c in channels] == ["GAS-E203/combustible_gas"]
    answer = client.put(f"{API}/permits/{permit.pk}/site-watch", {"monitor_channels": [site.channel.pk], **CAMERA},
                        content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert post(site.client(), batch(site.channel.reference, [2.0, 2.5])).status_code == 200
    detail = client.get(f"{API}/permits/{permit.pk}").json()
    assert detail["needs_site_watch"] and detail["video_source"] == "CAM-E203"
    assert detail["monitor_channels"][0]["value"] == 2.5 and detail["monitor_channels"][0]["alarm"] == ""
    page = client.get(f"/worksafety/permits/{permit.pk}/").content.decode()
    assert "GAS-E203/combustible_gas" in page and "2.5 %LEL" in page and "rtsp://10.0.0.8:554/live/e203" in page
    assert "关联连续监测与视频" in page  # on the timeline
    assert AuditEvent.objects.filter(action=WorksafetyAudit.PERMIT_SITE_WATCH, object_id=str(permit.pk)).exists()
