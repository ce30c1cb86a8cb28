"""The generated benchmark volume is data the portal itself accepts."""

import random

from bench.generate import MAIN_LINE, Codes, nik_for
from ktpportal.codes import normalize_code
from ktpportal.nik import parse_nik
from status.stages import MOVES


def test_generated_niks_are_valid_and_distinct():
    rng = random.Random(1)
    indexes = [*range(20_000), 999_999, 50_000_000]
    niks = [nik_for(i, rng) for i in indexes]
    for nik in niks:
        parse_nik(nik)
    assert len(set(niks)) == len(niks)


def test_generated_codes_are_portal_codes_and_distinct():
    codes = Codes(random.Random(2))
    made = [codes.new() for _ in range(20_000)]
    assert all(normalize_code(code) == code for code in made)
    assert len(set(made)) == len(made)


def test_stage_histories_follow_the_moves_table():
    for earlier, later in zip(MAIN_LINE, MAIN_LINE[1:], strict=False):
        assert later in MOVES[earlier]
