from typing import Any

from django.db import migrations

# Frozen here (not imported from yingji.hazmat.properties) so the migration means the same thing forever:
# standard entry → (old AEGL-1/2/3 stored, corrected 60-min AEGL-1/2/3, source), ppm, None = NR / not stored.
# Ethylene oxide held 4 h/8 h figures and hydrogen cyanide its 8 h AEGL-1; carbon disulfide and acrylonitrile had no AEGL, so their ERPGs were used.
CORRECTIONS = {
    "环氧乙烷": ((None, 14, 35), (None, 45, 200),
             "U.S. EPA AEGL 60 分钟值 = DOE PAC Rev. 29 PAC-2/3 45/200 ppm（kociembadamian/HAZEL "
             "data/chemicals.json）；NRC AEGL 第 9 卷；AEGL-1 NR (verify)"),
    "二硫化碳": ((None, None, None), (13, 160, 480),
             "U.S. EPA AEGL 60 分钟值 = DOE PAC Rev. 29 PAC-1/2/3 13/160/480 ppm（kociembadamian/HAZEL "
             "data/chemicals.json）；NRC AEGL 第 7 卷 (verify)"),
    "丙烯腈": ((None, None, None), (0.15, 1.7, 28),
            "U.S. EPA AEGL 60 分钟值 = DOE PAC Rev. 29 PAC-1/2/3 0.15/1.7/28 ppm（kociembadamian/HAZEL "
            "data/chemicals.json）；NRC AEGL 第 17 卷 (verify)"),
    "氰化氢": ((1.0, 7.1, 15), (2.0, 7.1, 15),
            "U.S. EPA AEGL 60 分钟值 = DOE PAC Rev. 29 PAC-1/2/3 2.0/7.1/15 ppm（kociembadamian/HAZEL "
            "data/chemicals.json）；NRC AEGL 第 2 卷（丙酮氰醇一章沿用同值）(verify)"),
}


def correct_aegl(apps: Any, schema_editor: Any) -> None:
    """Replace the wrong AEGLs of standard entries that still hold them; anyone's own figures are kept."""
    chemical_model = apps.get_model("hazmat", "Chemical")
    for chemical in chemical_model.objects.filter(name__in=CORRECTIONS, is_standard=True):
        old, new, source = CORRECTIONS[chemical.name]
        if (chemical.aegl1_ppm, chemical.aegl2_ppm, chemical.aegl3_ppm) != old:
            continue
        chemical.aegl1_ppm, chemical.aegl2_ppm, chemical.aegl3_ppm = new
        chemical.sources = {**chemical.sources, "aegl": source}
        chemical.save(update_fields=["aegl1_ppm", "aegl2_ppm", "aegl3_ppm", "sources"])


class Migration(migrations.Migration):

    dependencies = [
        ('hazmat', '0005_chemical_pac_values'),
    ]

    operations = [
        migrations.RunPython(correct_aegl, migrations.RunPython.noop),
    ]
