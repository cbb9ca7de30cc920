"""The quick mask choice gives, module for module, the code ``qrcode`` makes on its own.

``qrcode`` is the reference here: a layout that differed from its own would still scan, but
could be one the standard's penalty rules rank worse; and the quick score is checked against
``qrcode.util.lost_point`` directly, on layouts of any shape.
"""

from __future__ import annotations

import random

import pytest
import qrcode
from hypothesis import example, given, settings
from hypothesis import strategies as st
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q
from qrcode.util import lost_point

from kombo_desktop.core.qr_layout import lay_out, penalty

LEVELS = (ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q, ERROR_CORRECT_H)
LINK = "https://connect.kombo.dev/v1/connect?token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0"


def modules_made_by_qrcode(text: str, level: int, version: int | None = None) -> object:
    code = qrcode.QRCode(error_correction=level, border=0, version=version)
    code.add_data(text)
    try:
        code.make(fit=version is None)
    except ValueError as error:  # glog(0): qrcode cannot encode a block of zero bits
        return type(error)
    return code.modules


def modules_laid_out_here(text: str, level: int, version: int | None = None) -> object:
    code = qrcode.QRCode(error_correction=level, border=0, version=version)
    code.add_data(text)
    if version is None:
        code.best_fit()
    try:
        lay_out(code)
    except ValueError as error:
        return type(error)
    return code.modules


@settings(max_examples=120, deadline=None)
@given(
    text=st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=700
    ),
    level=st.sampled_from(LEVELS),
)
@example(text=LINK, level=ERROR_CORRECT_L)
@example(text="0" * 120, level=ERROR_CORRECT_M)  # qrcode's glog(0): both must refuse it
@example(text="1234567890" * 30, level=ERROR_CORRECT_Q)  # digits: qrcode's numeric form
@example(text="HTTPS://KOMBO.DEV/" * 12, level=ERROR_CORRECT_H)  # its alphanumeric form
def test_the_code_is_the_one_qrcode_makes(text: str, level: int) -> None:
    assert modules_laid_out_here(text, level) == modules_made_by_qrcode(text, level)


def test_the_code_is_the_one_qrcode_makes_for_a_long_link_and_unicode() -> None:
    for text in (LINK * 20, "Zürich — 東京の顧客 🎉 " * 20):
        for level in (ERROR_CORRECT_L, ERROR_CORRECT_M):
            assert modules_laid_out_here(text, level) == modules_made_by_qrcode(text, level)


@pytest.mark.parametrize("version", range(1, 41))
def test_every_size_of_code_is_laid_out_as_qrcode_lays_it_out(version: int) -> None:
    """Each of the 40 sizes has its own alignment patterns and, from 7, version information:
    the modules left for data differ in each."""
    assert modules_laid_out_here(LINK[:16], ERROR_CORRECT_L, version) == modules_made_by_qrcode(
        LINK[:16], ERROR_CORRECT_L, version
    )


@st.composite
def layouts(draw: st.DrawFn) -> list[list[bool]]:
    size = draw(st.integers(min_value=1, max_value=45))
    dark_share = draw(st.sampled_from((0.0, 0.1, 0.5, 0.9, 1.0)))
    modules = random.Random(draw(st.integers()))
    return [[modules.random() < dark_share for _ in range(size)] for _ in range(size)]


def as_row_bits(layout: list[list[bool]]) -> list[int]:
    return [int("".join("1" if module else "0" for module in row), 2) for row in layout]


@settings(max_examples=300, deadline=None)
@given(layout=layouts())
@example(layout=[[True] * 21 for _ in range(21)])
@example(layout=[[False] * 21 for _ in range(21)])
@example(layout=[[column % 2 == row % 2 for column in range(21)] for row in range(21)])
@example(  # false finder patterns across the rows, and the same down the columns
    layout=[[bool(int(bit)) for bit in "1011101000010111010000"] for _ in range(22)]
)
def test_the_score_is_qrcodes_lost_point(layout: list[list[bool]]) -> None:
    assert penalty(as_row_bits(layout), len(layout)) == lost_point(layout)
