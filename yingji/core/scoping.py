"""The one scoping mechanism: which records, and which live events, a user may see or change.

Every owned model declares a `ScopeRule` saying where its owner facts live (department, admin area,
enterprise, linked person). `Principal` turns a user into what their role grants. Querysets
(`Model.objects.for_user(user)`), exports, the API and the event stream all ask the same two
questions here, so there is nothing to forget elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from .roles import COUNTY_WIDE_ROLES, READ_ONLY_ROLES, Role

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class ScopeRule:
    """Where a model keeps its owner facts (field paths, or None when it has no such owner).

    `enterprise="pk"` marks the Enterprise model itself; `shared_directory` marks emergency resources
    that experts and rescue-team leaders may browse for command.
    """

    kind: str
    department: str | None = "owner_department"
    area: str | None = "admin_area"
    enterprise: str | None = None
    person: str | None = None
    shared_directory: bool = False


@dataclass(frozen=True)
class ScopeFacts:
    """The owner facts of one record or one event, used where there is no queryset (events).

    `personal` marks an event meant for one user only (`person_id`), such as a notice in their inbox:
    nobody else sees it, whatever their role.
    """

    kind: str
    department_id: int | None = None
    area_code: str | None = None
    enterprise_id: int | None = None
    person_id: int | None = None
    shared_directory: bool = False
    personal: bool = False

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Principal:
    """What a signed-in user's role grants, resolved once per request."""

    user_id: int | None
    role: str | None
    is_superuser: bool = False
    department_id: int | None = None
    supervised_kinds: frozenset[str] = field(default_factory=frozenset)
    area_code: str | None = None
    enterprise_id: int | None = None

    @classmethod
    def of(cls, user: Any) -> Principal:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return cls(user_id=None, role=None)
        cached = getattr(user, "_yingji_principal", None)
        if cached is not None:
            return cached
        department = user.department if user.department_id else None
        principal = cls(
            user_id=user.pk,
            role=user.role,
            is_superuser=user.is_superuser,
            department_id=user.department_id,
            supervised_kinds=frozenset(department.supervised_kinds if department else ()),
            area_code=user.admin_area.code if user.admin_area_id else None,
            enterprise_id=user.enterprise_id,
        )
        user._yingji_principal = principal
        return principal

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.role in COUNTY_WIDE_ROLES

    @property
    def read_only(self) -> bool:
        return not self.is_superuser and self.role in READ_ONLY_ROLES

    # --- querysets -------------------------------------------------------------------------
    def read_filter(self, rule: ScopeRule) -> Q | None:
        """A Q limiting a queryset to what this user may read; None means no limit."""
        if self.user_id is None:
            return NOTHING
        if self.sees_everything:
            return None
        if self.role in (Role.EXPERT, Role.RESCUE_LEADER) and rule.shared_directory:
            return None
        return self._own_filter(rule)

    def write_filter(self, rule: ScopeRule) -> Q | None:
        """A Q limiting a queryset to what this user may change; None means no limit."""
        if self.user_id is None or self.read_only:
            return NOTHING
        if self.is_superuser or self.role == Role.COUNTY_ADMIN:
            return None
        return self._own_filter(rule)

    def _own_filter(self, rule: ScopeRule) -> Q | None:
        role = self.role
        if role == Role.DEPARTMENT_OFFICER:
            if rule.kind in self.supervised_kinds:
                return None
            if rule.department and self.department_id:
                return Q(**{rule.department: self.department_id})
        elif role == Role.TOWNSHIP_OFFICER:
            if rule.area and self.area_code:
                return Q(**{f"{rule.area}__code__startswith": self.area_code})
        elif role == Role.ENTERPRISE_OFFICER:
            if rule.enterprise and self.enterprise_id:
                return Q(**{rule.enterprise: self.enterprise_id})
        elif role in (Role.EXPERT, Role.RESCUE_LEADER) and rule.person:
            return Q(**{rule.person: self.user_id})
        return NOTHING

    # --- single records and events -----------------------------------------------------------
    def may_see(self, facts: ScopeFacts) -> bool:
        """The same rules as read_filter, applied to one record's or event's facts."""
        if self.user_id is None:
            return False
        if facts.personal:
            return facts.person_id == self.user_id
        if self.sees_everything:
            return True
        if self.role in (Role.EXPERT, Role.RESCUE_LEADER) and facts.shared_directory:
            return True
        return self._owns(facts)

    def may_change(self, facts: ScopeFacts) -> bool:
        """The same rules as write_filter, applied to one record (e.g. one about to be created)."""
        if self.user_id is None or self.read_only:
            return False
        if self.is_superuser or self.role == Role.COUNTY_ADMIN:
            return True
        return self._owns(facts)

    def _owns(self, facts: ScopeFacts) -> bool:
        if self.role == Role.DEPARTMENT_OFFICER:
            return facts.kind in self.supervised_kinds or (
                facts.department_id is not None and facts.department_id == self.department_id
            )
        if self.role == Role.TOWNSHIP_OFFICER:
            return bool(self.area_code and facts.area_code and facts.area_code.startswith(self.area_code))
        if self.role == Role.ENTERPRISE_OFFICER:
            return facts.enterprise_id is not None and facts.enterprise_id == self.enterprise_id
        if self.role in (Role.EXPERT, Role.RESCUE_LEADER):
            return facts.person_id is not None and facts.person_id == self.user_id
        return False


def _follow(obj: Any, path: str) -> Any:
    """Walk a Django-style field path ("warehouse__admin_area") from a record."""
    for hop in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, hop, None)
    return obj


def _follow_id(obj: Any, path: str | None) -> int | None:
    if path is None:
        return None
    if path == "pk":
        return obj.pk
    *hops, last = path.split("__")
    holder = _follow(obj, "__".join(hops)) if hops else obj
    return None if holder is None else getattr(holder, f"{last}_id", None)


def facts_of(obj: Any) -> ScopeFacts:
    """Read a record's owner facts through its model's ScopeRule."""
    rule: ScopeRule = type(obj).scope_rule
    area = _follow(obj, rule.area) if rule.area else None
    return ScopeFacts(
        kind=rule.kind,
        department_id=_follow_id(obj, rule.department),
        area_code=getattr(area, "code", None),
        enterprise_id=_follow_id(obj, rule.enterprise),
        person_id=_follow_id(obj, rule.person),
        shared_directory=rule.shared_directory,
    )
