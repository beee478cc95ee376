"""What people type, made harmless before it appears in a reply."""

from __future__ import annotations

from bot.text import clean_input, quote_user_text


def test_c1_controls_and_bidi_overrides_never_reach_a_reply() -> None:
    hostile = "invoice\u202egnp.exe \u0085next\u009b31m \u2066isolated\u2069 \u200fmark"
    for text in (clean_input(hostile), quote_user_text(hostile, 200)):
        assert not any(0x80 <= ord(ch) <= 0x9F or ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200f"
                       for ch in text)
    assert clean_input("Ça va? 你好 👋") == "Ça va? 你好 👋"


def test_zero_width_only_is_empty_and_inner_spaces_stay() -> None:
    assert clean_input("\u200b\u200b ") == "" and clean_input(" hi\u200b\u2003") == "hi"
    assert clean_input("👨\u200d👩\u200d👧") == "👨\u200d👩\u200d👧"  # joiners inside an emoji stay
    assert clean_input("x" + " " * 40_000 + "x") == "x" + " " * 40_000 + "x"  # (a '[\s…]+$' regex took 12 s)
