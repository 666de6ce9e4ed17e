"""Field validators that wrap the pure domain checks for Django forms and models."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from yingji.core.credit_code import validate_credit_code

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{3,5}|400-?\d{3}-?\d{4})$")


def credit_code_validator(value: str) -> None:
    """GB 32100-2015 unified social credit code: charset, length and check character."""
    reason = validate_credit_code(value)
    if reason:
        raise ValidationError(reason, code="credit_code")


def phone_validator(value: str) -> None:
    """Mobile (1[3-9]…), landline with area code, short duty numbers (119, 12350) or 400 numbers."""
    if value and not PHONE.match(value.replace(" ", "")):
        raise ValidationError(f"电话号码格式不正确：{value}", code="phone")
