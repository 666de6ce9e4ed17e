"""Invented people, phone numbers, credit codes and plates for the demo county (pure Python, seeded).

Nothing here names a real person or firm: names are drawn from common surname and given-name
characters, firm names from generic trade words, and every phone number is random.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from yingji.core.credit_code import ALPHABET, make_credit_code

# Registering authority 9 (工商) · 1 (企业) · 211122 (盘山县), as GB 32100-2015 positions 1–8.
CREDIT_CODE_PREFIX = "91211122"
# Panjin's vehicle-plate prefix.
PLATE_PREFIX = "辽L·"
# Plate serials avoid I and O, as real plates do.
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
    "薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹易常武乔"
    "贺龚关佟鲍付葛闫"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华鹏辉玲建国红梅斌宇浩凯健俊帆晨博志海波宁欣雪琳丹"
    "飞鑫峰亮成春东晓光立新文喜凤兰秀丰福庆德胜利振兴长宏铁柱淑珍玉"
)
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                   "155", "156", "157", "158", "159", "180", "181", "182", "183", "185", "186", "187",
                   "188", "189")
# Generic trade words (字号) combined into invented firm names.
TRADE_WORDS = (
    "鑫源", "恒泰", "瑞丰", "广源", "泰和", "宏信", "兴业", "隆盛", "永顺", "盛达", "金禾", "福泽", "安泰",
    "润通", "嘉禾", "华益", "中兴", "东升", "北辰", "海川", "恒远", "鸿基", "益民", "聚源", "德丰", "天顺",
    "丰饶", "锦程", "源丰", "富润", "汇通", "康达", "同心", "万通", "乾元", "宏达", "亿丰", "通达", "信诚",
    "辽滨", "苇海", "稻香", "鹤乡", "绿源", "祥和", "昌盛", "利民", "众合", "合力", "远航",
)


def person_name(rng: random.Random) -> str:
    """A plausible two- or three-character Chinese name."""
    given = rng.choice(GIVEN_CHARS) if rng.random() < 0.3 else rng.choice(GIVEN_CHARS) + rng.choice(GIVEN_CHARS)
    return rng.choice(SURNAMES) + given


def mobile(rng: random.Random) -> str:
    """An 11-digit mobile number starting 13x, 15x or 18x."""
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def landline(rng: random.Random) -> str:
    """A Panjin (0427) landline number."""
    return "0427-" + rng.choice("2345678") + "".join(rng.choice("0123456789") for _ in range(6))


def credit_code(rng: random.Random) -> str:
    """A valid GB 32100-2015 code registered in Panshan: the prefix, 9 seeded characters, the check."""
    body = "".join(rng.choice(ALPHABET) for _ in range(9))
    return make_credit_code(CREDIT_CODE_PREFIX + body)


def plate(rng: random.Random) -> str:
    """A Panjin plate 辽L·xxxxx: one letter then four digits, or five digits."""
    if rng.random() < 0.6:
        return PLATE_PREFIX + rng.choice(_PLATE_LETTERS) + "".join(rng.choice("0123456789") for _ in range(4))
    return PLATE_PREFIX + "".join(rng.choice("0123456789") for _ in range(5))


class Unique:
    """Draws from a generator until the value has not been seen before (names, codes, plates)."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def take(self, draw: Callable[[random.Random], str], rng: random.Random) -> str:
        for _ in range(1000):
            value = draw(rng)
            if value not in self._seen:
                self._seen.add(value)
                return value
        raise RuntimeError("could not draw a unique demo value in 1000 tries")
