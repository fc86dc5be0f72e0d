"""Vectorised generation of personal fields: names, ID numbers (GB 11643), phone numbers."""

import numpy as np
import pandas as pd

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力春梅海林波云飞鹏燕志斌秋菊")
PHONE_PREFIXES = np.array(["138", "139", "158", "159", "187", "188", "135", "136", "151", "182", "177", "180", "199"])

ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
ID_CHECK = np.array(list("10X98765432"))


def names(surnames: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Surname (given per person) plus one or two given-name characters."""
    n = len(surnames)
    g1 = np.array(GIVEN)[rng.integers(0, len(GIVEN), n)]
    g2 = np.array(GIVEN)[rng.integers(0, len(GIVEN), n)]
    two = rng.random(n) < 0.7
    given = np.where(two, np.char.add(g1, g2), g1)
    return np.char.add(surnames, given)


def pick_surnames(n: int, rng: np.random.Generator) -> np.ndarray:
    # A few surnames dominate a village in reality; a skewed draw is close enough.
    p = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.8
    return np.array(SURNAMES)[rng.choice(len(SURNAMES), n, p=p / p.sum())]


def id_check_digits(id17: np.ndarray) -> np.ndarray:
    """GB 11643 check character for 17-digit numbers held as int64."""
    total = np.zeros(len(id17), dtype=np.int64)
    rest = id17.copy()
    for w in ID_WEIGHTS[::-1]:  # least significant digit pairs with the last weight
        total += (rest % 10) * w
        rest //= 10
    return ID_CHECK[total % 11]


def id_numbers(area: np.ndarray, birth: np.ndarray, male: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """18-character ID numbers: 6-digit area, birth yyyymmdd, 3-digit sequence (odd = male), check."""
    b = pd.DatetimeIndex(birth.astype("datetime64[D]"))
    ymd_int = (b.year * 10000 + b.month * 100 + b.day).to_numpy(np.int64)
    # Sequence numbers are counted per (area, birthday, gender) so no two people share a number;
    # the offset only keeps them from all starting at 000. Parity carries gender.
    area64, male64 = area.astype(np.int64), male.astype(np.int64)
    nth = pd.DataFrame({"a": area64, "d": ymd_int, "m": male64}).groupby(["a", "d", "m"]).cumcount().to_numpy()
    seq = ((ymd_int * 7 + area64) % 300 + nth) % 500 * 2 + male64
    id17 = area64 * 10**11 + ymd_int * 1000 + seq
    return np.char.add(id17.astype(str), id_check_digits(id17))


def phones(n: int, rng: np.random.Generator) -> np.ndarray:
    prefix = PHONE_PREFIXES[rng.integers(0, len(PHONE_PREFIXES), n)]
    rest = np.char.zfill(rng.integers(0, 10**8, n).astype(str), 8)
    return np.char.add(prefix, rest)
