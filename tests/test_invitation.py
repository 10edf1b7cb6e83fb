"""The invitation: the join link from whatever address the app is reached at, and its QR code as a PNG."""
from __future__ import annotations

import struct

import pytest

from cxcore.invitation import join_link, qr_png


@pytest.mark.parametrize("address, expected", [
    ("http://localhost:8501/rfm?w=demo&lang=en", "http://localhost:8501/join?w=abc"),
    ("https://cx.example.org/", "https://cx.example.org/join?w=abc"),
    ("192.168.1.10:8501", "http://192.168.1.10:8501/join?w=abc"),
    ("  http://10.0.0.5:8501/workshop  ", "http://10.0.0.5:8501/join?w=abc"),
])
def test_the_join_link_keeps_only_the_address(address, expected):
    assert join_link(address, "abc") == expected


def test_the_workshop_id_is_quoted_in_the_link():
    assert join_link("http://h", "a b&c") == "http://h/join?w=a+b%26c"


def test_the_qr_code_is_a_png_that_grows_with_the_scale():
    small, large = qr_png("http://h/join?w=abc", scale=4), qr_png("http://h/join?w=abc", scale=10)
    assert small[:8] == b"\x89PNG\r\n\x1a\n"
    width = lambda png: struct.unpack(">I", png[16:20])[0]  # noqa: E731  (the IHDR width)
    assert width(large) == width(small) // 4 * 10  # version 2: 25 modules + 2 × 2 border = 29
    assert width(small) == 29 * 4
