"""Query parameters, read and cleaned in one place.

A query string carries whatever anyone types or a bot sends: NUL bytes (PostgreSQL refuses
them in text, so a filter holding one was a 500), other control characters, invisible
formatting characters, megabytes, the same key many times. Views read `request.GET` only
through these functions (tests/security/test_query_params.py finds any other read). They
never raise: what cannot be used is dropped, so a search box with junk finds nothing and a
filter with junk matches nothing or nothing is filtered, as for any unknown value.
"""

import unicodedata

# Unicode categories nobody means in a search or a code: control characters (NUL among
# them; tabs and line breaks become spaces first), format characters (zero-width and
# right-to-left marks, which can disguise what is echoed back), lone surrogates (left
# behind by undecodable input), private-use and unassigned code points.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def clean_text(value: str, *, max_length: int) -> str:
    """`value` without the characters above, its runs of whitespace made single spaces,
    trimmed, and cut to `max_length` characters."""
    # Only a bounded prefix is looked at, so the work does not grow with what was sent.
    value = unicodedata.normalize("NFC", value[: max_length * 4 + 16])
    kept = "".join(
        " " if char.isspace() else char
        for char in value
        if char.isspace() or unicodedata.category(char) not in _DROPPED_CATEGORIES
    )
    return " ".join(kept.split())[:max_length]


def query_text(request, name: str, *, max_length: int) -> str:
    """The parameter's cleaned value ("" when absent); its last value if sent more than once."""
    return clean_text(request.GET.get(name, ""), max_length=max_length)


def query_list(request, name: str, *, max_items: int, max_length: int) -> list[str]:
    """Every value of a repeated parameter (`?ada=a&ada=b`), cleaned, the empty ones
    dropped; at most `max_items` of them."""
    values = request.GET.getlist(name)[:max_items]
    return [text for text in (clean_text(v, max_length=max_length) for v in values) if text]
