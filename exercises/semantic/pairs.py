"""(context, text) -> one BERT input: [CLS] context [SEP] text [SEP], with segment ids 0 / 1.

Shared byte-for-byte by training (tools/) and run time, so a trained head only ever sees inputs built this way.
The text keeps its head and its tail when long (a turn is coded by how it ends, and by how it opens); the
context keeps its most recent tokens (the last client turn matters most).
"""

from __future__ import annotations

from collections.abc import Sequence

from exercises.semantic.tokenizer import WordPiece, normalize, pre_tokenize

CONTEXT_TOKENS = 32  # most recent context word pieces kept
TEXT_HEAD, TEXT_TAIL = 16, 48  # a long text keeps its first and last word pieces
GRADING_BUDGET = (64, 24, 72)  # a drill prompt (the client's words, a summary's points) and a reply
MAX_CHARS = 2_000  # characters read from either side before tokenizing: caps the cost of a pasted novel


def _pieces(tokenizer: WordPiece, text: str) -> list[int]:
    out: list[int] = []
    for word in pre_tokenize(normalize(text)):
        out.extend(tokenizer.word_ids(word))
    return out


def text_pieces(tokenizer: WordPiece, text: str, head: int = TEXT_HEAD, tail: int = TEXT_TAIL) -> list[int]:
    """The word pieces of `text`, its head and tail kept when it is longer than the budget."""
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS // 4] + " " + text[-(MAX_CHARS * 3 // 4) :]
    pieces = _pieces(tokenizer, text)
    if len(pieces) > head + tail:
        pieces = pieces[:head] + pieces[-tail:]
    return pieces


def context_pieces(tokenizer: WordPiece, context: Sequence[str], budget: int = CONTEXT_TOKENS) -> list[int]:
    """The last CONTEXT_TOKENS word pieces of the preceding turns (oldest first), turns joined in order."""
    out: list[int] = []
    for turn in reversed(list(context)[-3:]):
        piece = _pieces(tokenizer, turn[-MAX_CHARS:])
        out = piece + out
        if len(out) >= budget:
            break
    return out[-budget:]


def encode_pair(tokenizer: WordPiece, context: Sequence[str], text: str,
                budget: tuple[int, int, int] = (CONTEXT_TOKENS, TEXT_HEAD, TEXT_TAIL)) -> tuple[list[int], list[int]]:
    """Token ids and segment ids for one (context, text) pair; budget = (context, text head, text tail)."""
    ctx = context_pieces(tokenizer, context, budget[0])
    txt = text_pieces(tokenizer, text, budget[1], budget[2])
    ids = [tokenizer.cls, *ctx, tokenizer.sep, *txt, tokenizer.sep]
    types = [0] * (len(ctx) + 2) + [1] * (len(txt) + 1)
    return ids, types
