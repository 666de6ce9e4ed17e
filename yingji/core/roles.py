"""The platform's roles, one per kind of person who signs in."""

from django.db import models


class Role(models.TextChoices):
    """What a user is; together with the user's department, area or enterprise it fixes their scope."""

    COUNTY_ADMIN = "county_admin", "县级管理员"
    DEPARTMENT_OFFICER = "department_officer", "部门人员"
    TOWNSHIP_OFFICER = "township_officer", "乡镇(街道)人员"
    ENTERPRISE_OFFICER = "enterprise_officer", "企业安全员"
    EXPERT = "expert", "专家"
    RESCUE_LEADER = "rescue_leader", "救援队长"
    AUDITOR = "auditor", "审计员"


# Roles that see every record in the county.
COUNTY_WIDE_ROLES = frozenset({Role.COUNTY_ADMIN, Role.AUDITOR})
# Roles that may never change data.
READ_ONLY_ROLES = frozenset({Role.AUDITOR})
