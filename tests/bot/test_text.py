"""What people type, made harmless before it appears in a reply."""

from __future__ import annotations

from bot.text import clean_input, quote_user_text


def test_c1_controls_and_bidi_overrides_never_reach_a_reply() -> None:
    hostile = "invoice\u202egnp.exe \u0085next\u009b31m \u2066isolated\u2069 \u200fmark"
    for text in (clean_input(hostile), quote_user_text(hostile, 200)):
        assert not any(0x80 <= ord(ch) <= 0x9F or ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200f"
                       for ch in text)
    assert clean_input("Ça va? 你好 👋") == "Ça va? 你好 👋"
