"""The scoping rules as a table: (role and anchor, record facts) → may_see / may_change."""

from __future__ import annotations

import pytest
from django.db.models import Q

from yingji.core.roles import Role
from yingji.core.scoping import NOTHING, Principal, ScopeFacts, ScopeRule

DEPT, OTHER_DEPT, ENT, OTHER_ENT, ME, SOMEONE = 1, 2, 10, 11, 100, 101
TAIPING, TAIPING_VILLAGE, GAOSHENG = "211122001", "211122001201", "211122002"

PRINCIPALS = {
    "anonymous": Principal(user_id=None, role=None),
    "superuser": Principal(user_id=ME, role=Role.DEPARTMENT_OFFICER, is_superuser=True),
    "county_admin": Principal(user_id=ME, role=Role.COUNTY_ADMIN),
    "auditor": Principal(user_id=ME, role=Role.AUDITOR),
    "dept": Principal(user_id=ME, role=Role.DEPARTMENT_OFFICER, department_id=DEPT),
    "dept_supervising": Principal(user_id=ME, role=Role.DEPARTMENT_OFFICER, department_id=DEPT,
                                  supervised_kinds=frozenset({"registry.enterprise"})),
    "dept_without_department": Principal(user_id=ME, role=Role.DEPARTMENT_OFFICER),
    "township": Principal(user_id=ME, role=Role.TOWNSHIP_OFFICER, area_code=TAIPING),
    "township_without_area": Principal(user_id=ME, role=Role.TOWNSHIP_OFFICER),
    "enterprise": Principal(user_id=ME, role=Role.ENTERPRISE_OFFICER, enterprise_id=ENT),
    "enterprise_without_link": Principal(user_id=ME, role=Role.ENTERPRISE_OFFICER),
    "expert": Principal(user_id=ME, role=Role.EXPERT),
    "rescue_leader": Principal(user_id=ME, role=Role.RESCUE_LEADER),
}

ENTERPRISE_OF_A = ScopeFacts("registry.enterprise", department_id=OTHER_DEPT, area_code=TAIPING, enterprise_id=ENT)
ENTERPRISE_OF_B = ScopeFacts("registry.enterprise", department_id=OTHER_DEPT, area_code=GAOSHENG,
                             enterprise_id=OTHER_ENT)
OWN_DEPT_SCHOOL = ScopeFacts("registry.school", department_id=DEPT, area_code=GAOSHENG)
VILLAGE_SHELTER = ScopeFacts("registry.shelter", department_id=OTHER_DEPT, area_code=TAIPING_VILLAGE,
                             shared_directory=True)
GAOSHENG_SHELTER = ScopeFacts("registry.shelter", department_id=OTHER_DEPT, area_code=GAOSHENG,
                              shared_directory=True)
MY_EXPERT_RECORD = ScopeFacts("registry.expert", department_id=OTHER_DEPT, person_id=ME, shared_directory=True)
OTHER_EXPERT = ScopeFacts("registry.expert", department_id=OTHER_DEPT, person_id=SOMEONE, shared_directory=True)
NO_OWNER = ScopeFacts("registry.school")
TEAM_OF_A = ScopeFacts("registry.rescueteam", enterprise_id=ENT, shared_directory=True)

# (principal, facts, may_see, may_change)
CASES = [
    ("anonymous", ENTERPRISE_OF_A, False, False),
    ("anonymous", VILLAGE_SHELTER, False, False),
    ("superuser", ENTERPRISE_OF_B, True, True),
    ("county_admin", ENTERPRISE_OF_B, True, True),
    ("county_admin", NO_OWNER, True, True),
    ("auditor", ENTERPRISE_OF_B, True, False),
    ("auditor", NO_OWNER, True, False),
    ("dept", OWN_DEPT_SCHOOL, True, True),
    ("dept", ENTERPRISE_OF_A, False, False),
    ("dept", NO_OWNER, False, False),
    ("dept_supervising", ENTERPRISE_OF_A, True, True),
    ("dept_supervising", ENTERPRISE_OF_B, True, True),
    ("dept_supervising", GAOSHENG_SHELTER, False, False),
    ("dept_without_department", NO_OWNER, False, False),
    ("township", ENTERPRISE_OF_A, True, True),
    ("township", VILLAGE_SHELTER, True, True),
    ("township", ENTERPRISE_OF_B, False, False),
    ("township", GAOSHENG_SHELTER, False, False),
    ("township", NO_OWNER, False, False),
    ("township_without_area", VILLAGE_SHELTER, False, False),
    ("enterprise", ENTERPRISE_OF_A, True, True),
    ("enterprise", TEAM_OF_A, True, True),
    ("enterprise", ENTERPRISE_OF_B, False, False),
    ("enterprise", VILLAGE_SHELTER, False, False),
    ("enterprise", NO_OWNER, False, False),
    ("enterprise_without_link", NO_OWNER, False, False),
    ("expert", MY_EXPERT_RECORD, True, True),
    ("expert", OTHER_EXPERT, True, False),
    ("expert", VILLAGE_SHELTER, True, False),
    ("expert", TEAM_OF_A, True, False),
    ("expert", ENTERPRISE_OF_A, False, False),
    ("rescue_leader", ScopeFacts("registry.rescueteam", person_id=ME, shared_directory=True), True, True),
    ("rescue_leader", GAOSHENG_SHELTER, True, False),
    ("rescue_leader", OWN_DEPT_SCHOOL, False, False),
]


@pytest.mark.parametrize(("who", "facts", "see", "change"), CASES,
                         ids=[f"{c[0]}-{c[1].kind}-{i}" for i, c in enumerate(CASES)])
def test_may_see_and_may_change(who: str, facts: ScopeFacts, see: bool, change: bool) -> None:
    principal = PRINCIPALS[who]
    assert principal.may_see(facts) is see
    assert principal.may_change(facts) is change


def test_change_implies_see() -> None:
    for principal in PRINCIPALS.values():
        for _, facts, _, _ in CASES:
            if principal.may_change(facts):
                assert principal.may_see(facts)


ENTERPRISE_RULE = ScopeRule(kind="registry.enterprise", enterprise="pk")
SHELTER_RULE = ScopeRule(kind="registry.shelter", shared_directory=True)
STOCK_RULE = ScopeRule(kind="registry.stockitem", department="warehouse__owner_department",
                       area="warehouse__admin_area", enterprise="warehouse__enterprise", shared_directory=True)


@pytest.mark.parametrize(("who", "rule", "read", "write"), [
    ("anonymous", SHELTER_RULE, NOTHING, NOTHING),
    ("county_admin", SHELTER_RULE, None, None),
    ("auditor", SHELTER_RULE, None, NOTHING),
    ("dept", SHELTER_RULE, Q(owner_department=DEPT), Q(owner_department=DEPT)),
    ("dept_supervising", ENTERPRISE_RULE, None, None),
    ("township", SHELTER_RULE, Q(admin_area__code__startswith=TAIPING), Q(admin_area__code__startswith=TAIPING)),
    ("township", STOCK_RULE, Q(warehouse__admin_area__code__startswith=TAIPING),
     Q(warehouse__admin_area__code__startswith=TAIPING)),
    ("enterprise", ENTERPRISE_RULE, Q(pk=ENT), Q(pk=ENT)),
    ("enterprise", STOCK_RULE, Q(warehouse__enterprise=ENT), Q(warehouse__enterprise=ENT)),
    ("enterprise", SHELTER_RULE, NOTHING, NOTHING),
    ("expert", SHELTER_RULE, None, NOTHING),
    ("expert", ScopeRule(kind="registry.expert", person="user", shared_directory=True), None, Q(user=ME)),
    ("expert", ENTERPRISE_RULE, NOTHING, NOTHING),
])
def test_queryset_filters(who: str, rule: ScopeRule, read: Q | None, write: Q | None) -> None:
    principal = PRINCIPALS[who]
    assert principal.read_filter(rule) == read
    assert principal.write_filter(rule) == write


def test_inactive_or_anonymous_users_resolve_to_nobody() -> None:
    class Inactive:
        is_authenticated = True
        is_active = False

    assert Principal.of(None).user_id is None
    assert Principal.of(Inactive()).read_filter(SHELTER_RULE) == NOTHING
