from hypothesis import given
from hypothesis import strategies as st

from ktpportal.codes import ALPHABET, new_code, normalize_code


def test_codes_are_grouped_crockford_with_60_bits():
    code = new_code()
    groups = code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4]
    assert set("".join(groups)) <= set(ALPHABET)
    assert len(ALPHABET) ** 12 >= 2**60


def test_codes_do_not_repeat():
    assert len({new_code() for _ in range(2000)}) == 2000


def test_typing_is_forgiven():
    assert normalize_code(" 7kq2 m9xd-4htp ") == "7KQ2-M9XD-4HTP"
    assert normalize_code("7KQ2-M9XD-4HTO") == "7KQ2-M9XD-4HT0"
    assert normalize_code("1LI0-0000-0000") == "1110-0000-0000"


def test_malformed_codes_are_refused():
    for text in ("", "7KQ2-M9XD", "7KQ2-M9XD-4HTP-X", "7KQ2-M9XD-4HTU", "<script>"):
        assert normalize_code(text) is None


@given(st.text(max_size=30))
def test_normalize_never_raises(text):
    result = normalize_code(text)
    assert result is None or len(result) == 14
