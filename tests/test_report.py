"""Numbers in sentences: the fast formatter gives Babel's text exactly."""

from __future__ import annotations

from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from skypact.report import fmt_distance, fmt_number


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.sampled_from(["en", "ru"]),
       st.integers(min_value=0, max_value=4))
def test_fmt_number_is_babel(x: float, lang: str, digits: int) -> None:
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    assert fmt_number(x, lang, digits) == format_decimal(round(x, digits), format=pattern, locale=lang)  # type: ignore[arg-type]


def test_grouping_and_decimal_comma() -> None:
    assert fmt_number(1234567.25, "en", 1) == "1,234,567.2"
    assert fmt_number(1234567.25, "ru", 1) == "1\u00a0234\u00a0567,2"
    assert fmt_distance(1852.0 * 4.2, "ru", "aviation") == "4,2 м. миль"
    assert fmt_distance(304.8, "en", "aviation", vertical=True) == "1,000 ft"
