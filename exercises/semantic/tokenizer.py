"""BERT WordPiece tokenisation in pure Python, matching the uncased BertTokenizer of all-MiniLM-L6-v2.

Normalise (drop control characters, space out CJK, strip accents, lowercase), split on whitespace and
punctuation, then greedy longest-match-first WordPiece with '##' continuations; [CLS] … [SEP] around it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

MAX_TOKENS = 128
MAX_CHARS_PER_WORD = 100


def _is_control(ch: str) -> bool:
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf", "Cn", "Co", "Cs")


def _is_whitespace(ch: str) -> bool:
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


# ASCII text (nearly every answer) needs none of the Unicode tables: control characters other than tab and
# newlines go, those become spaces, NFD and accent stripping change nothing. Same result as the loop below.
_ASCII_CLEAN = {cp: None for cp in (*range(32), 127) if chr(cp) not in "\t\n\r"} | {ord(c): " " for c in "\t\n\r"}
_ASCII_WORDS = re.compile(r"[!-/:-@\[-`{-~]|[^!-/:-@\[-`{-~ ]+")  # one punctuation mark, or a run of others


def normalize(text: str) -> str:
    """BertNormalizer(clean_text, handle_chinese_chars, strip_accents follows lowercase, lowercase)."""
    if text.isascii():
        return text.translate(_ASCII_CLEAN).lower()
    out: list[str] = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        if _is_whitespace(ch):
            out.append(" ")
        elif _is_cjk(cp):
            out.append(f" {ch} ")
        else:
            out.append(ch)
    decomposed = unicodedata.normalize("NFD", "".join(out))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower()


def pre_tokenize(text: str) -> list[str]:
    """Split on whitespace, and make every punctuation character a word of its own."""
    if text.isascii() and text.isprintable():  # ASCII punctuation is exactly the ranges _is_punctuation checks
        return _ASCII_WORDS.findall(text)
    words: list[str] = []
    for chunk in text.split():
        current: list[str] = []
        for ch in chunk:
            if _is_punctuation(ch):
                if current:
                    words.append("".join(current))
                    current = []
                words.append(ch)
            else:
                current.append(ch)
        if current:
            words.append("".join(current))
    return words


class WordPiece:
    """Vocabulary lookup plus the greedy longest-match-first split."""

    def __init__(self, vocab: Iterable[str]) -> None:
        self.ids: dict[str, int] = {}
        for i, token in enumerate(vocab):
            self.ids.setdefault(token, i)
        self.unk = self.ids["[UNK]"]
        self.cls = self.ids["[CLS]"]
        self.sep = self.ids["[SEP]"]
        self.pad = self.ids.get("[PAD]", 0)
        self._inverse: dict[int, str] | None = None  # id -> token, built when first asked (tools and tests only)
        self._word = lru_cache(maxsize=16384)(self._split_word)

    @classmethod
    def from_vocab_file(cls, path: Path) -> WordPiece:
        lines = path.read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return cls(line.rstrip("\r") for line in lines)

    def _split_word(self, word: str) -> tuple[int, ...]:
        if len(word) > MAX_CHARS_PER_WORD:
            return (self.unk,)
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.ids.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return (self.unk,)
            pieces.append(found)
            start = end
        return tuple(pieces)

    def word_ids(self, word: str) -> tuple[int, ...]:
        """The word pieces of one pre-tokenized word (cached)."""
        return self._word(word)

    def encode(self, text: str, max_tokens: int = MAX_TOKENS) -> list[int]:
        """[CLS] + word pieces + [SEP], truncated to max_tokens in all."""
        ids = [self.cls]
        limit = max_tokens - 1
        for word in pre_tokenize(normalize(text)):
            ids.extend(self._word(word))
            if len(ids) >= limit:
                del ids[limit:]
                break
        ids.append(self.sep)
        return ids

    def convert_ids_to_tokens(self, ids: Iterable[int]) -> list[str]:
        if self._inverse is None:
            self._inverse = {i: t for t, i in self.ids.items()}
        return [self._inverse.get(i, "[UNK]") for i in ids]

    def tokens(self, text: str) -> list[str]:
        """The token strings (for tests and debugging)."""
        return self.convert_ids_to_tokens(self.encode(text))
