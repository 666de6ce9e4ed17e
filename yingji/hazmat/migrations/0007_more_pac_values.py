from typing import Any

from django.db import migrations

# Frozen here (not imported from yingji.hazmat.properties) so the migration means the same thing forever.
# DOE PAC Rev. 29 PAC-1/2/3 in ppm (kociembadamian/HAZEL data/chemicals.json, from DOE's PacData.xlsx):
# ethylene oxide's PAC-1 is a TEEL (no AEGL-1, no ERPG-1) and gives it a yellow zone; cyclohexane had none.
PAC_REV29_PPM = {
    "环氧乙烷": (5, 45, 200),
    "环己烷": (800, 1700, 10000),
}
SOURCE = "U.S. DOE PAC Rev. 29（2016）保护行动标准，60 分钟 PAC-1/2/3 (verify)"


def fill_pac(apps: Any, schema_editor: Any) -> None:
    """Give standard entries without any PAC the Rev. 29 figures; an entry someone filled in is kept."""
    chemical_model = apps.get_model("hazmat", "Chemical")
    for chemical in chemical_model.objects.filter(name__in=PAC_REV29_PPM, is_standard=True,
                                                  pac1=None, pac2=None, pac3=None):
        chemical.pac1, chemical.pac2, chemical.pac3 = PAC_REV29_PPM[chemical.name]
        chemical.pac_unit = "ppm"
        chemical.sources = {**chemical.sources, "pac": SOURCE}
        chemical.save(update_fields=["pac1", "pac2", "pac3", "pac_unit", "sources"])


class Migration(migrations.Migration):

    dependencies = [
        ('hazmat', '0006_correct_aegl_60min_values'),
    ]

    operations = [
        migrations.RunPython(fill_pac, migrations.RunPython.noop),
    ]
