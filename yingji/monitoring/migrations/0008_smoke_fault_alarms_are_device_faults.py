"""A smoke detector's fault output raised process alarms at level H; it is a device fault (level FAULT).

The rule pack now says so (``status(..., fault=True)``); this brings the alarms already raised in line,
so the console's category filter, the statistics and the map colour show them as device faults.
"""

from django.db import migrations

# The rule ids of every pack's fault-output channel at the time of this change (rule_packs/city.py).
FAULT_RULE_IDS = ("smoke_fault_on",)


def forwards(apps, schema_editor):  # noqa: ANN001, ANN201 - migration signature
    Alarm = apps.get_model("monitoring", "Alarm")
    Alarm.objects.filter(rule_id__in=FAULT_RULE_IDS).update(level="FAULT", grade=1, category="fault")


def backwards(apps, schema_editor):  # noqa: ANN001, ANN201 - migration signature
    Alarm = apps.get_model("monitoring", "Alarm")
    Alarm.objects.filter(rule_id__in=FAULT_RULE_IDS).update(level="H", grade=1, category="process")


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0007_channel_publish_readings")]

    operations = [migrations.RunPython(forwards, backwards)]
