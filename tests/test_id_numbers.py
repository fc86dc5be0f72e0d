"""The importer's GB 11643 ID check (seed/importer/values.py) uses python-stdnum's cn.ric for the birth date
and the check character: held here to the standard written out by hand (weights 2^(17-i) mod 11, check
character (12 - sum mod 11) mod 11, 10 written X) on every check character and on the edge cases."""

from __future__ import annotations

import random

import pytest
from stdnum.cn import ric

from seed.importer.values import Bad, check_id_number, to_id_number
from seed.importer.spec import Col

WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2


def by_hand(id17: str) -> str:
    n = (12 - sum(int(c) * w for c, w in zip(id17, WEIGHTS)) % 11) % 11
    return "X" if n == 10 else str(n)


def test_the_weights_are_the_standards():
    assert WEIGHTS == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def test_stdnum_check_character_equals_the_standard_on_every_value():
    rng = random.Random(11643)
    seen = set()
    for _ in range(3000):
        id17 = f"{rng.randrange(110000, 660000)}{rng.randrange(1900, 2030)}{rng.randrange(1, 13):02d}" \
               f"{rng.randrange(1, 29):02d}{rng.randrange(0, 1000):03d}"
        want = by_hand(id17)
        assert ric.calc_check_digit(id17 + "0") == want, id17  # stdnum takes the number with a check place
        seen.add(want)
    assert seen == set("0123456789X")


def full(id17: str) -> str:
    return id17 + by_hand(id17)


@pytest.mark.parametrize("id17", ["11010519491231002", "43990120000229001", "43990119000101000",
                                  "00000019000101000", "99999999991231999"])
def test_valid_numbers_pass(id17):
    assert check_id_number(full(id17)) == full(id17)


def test_an_x_check_character_passes_and_lower_case_x_is_read_as_x():
    id17 = next(f"439901198807150{s:02d}" for s in range(100) if by_hand(f"439901198807150{s:02d}") == "X")
    assert check_id_number(id17 + "X") == id17 + "X"
    assert to_id_number(id17 + "x", Col("id_number", "身份证号", "id_number")) == id17 + "X"


@pytest.mark.parametrize("number, message", [
    ("4399011988071500", "应为18位，实际为16位"),
    ("43990119880715001X1", "应为18位，实际为19位"),
    ("4399011988071500A1", "前17位应为数字"),
    ("43990119880715002Y", "前17位应为数字"),
    ("43990119880715²001", "前17位应为数字"),      # str.isdigit() says yes; int() would fail
    ("43990119000229001" + "0", "出生日期 19000229 不是有效日期"),  # 1900 is no leap year
    ("43990119881301001" + "0", "出生日期 19881301 不是有效日期"),
    ("43990119880732001" + "0", "出生日期 19880732 不是有效日期"),
    ("43990100000101001" + "0", "出生日期 00000101 不是有效日期"),
])
def test_bad_numbers_are_refused_with_the_reason(number, message):
    with pytest.raises(Bad, match=message):
        check_id_number(number)


def test_a_wrong_check_character_names_the_right_one():
    good = full("43990119880715001")
    wrong = next(c for c in "0123456789X" if c != good[-1])
    with pytest.raises(Bad, match=f"末位应为 {good[-1]}，实际为 {wrong}"):
        check_id_number(good[:17] + wrong)


def test_area_codes_outside_stdnums_region_list_are_accepted():
    # stdnum's validate() refuses them (its region list); the importer takes the test county 439901
    number = full("43990119880715001")
    with pytest.raises(Exception):
        ric.validate(number)
    assert check_id_number(number) == number
