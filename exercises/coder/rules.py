"""Near-certain surface rules that overrule the statistical model for one sentence.

Only patterns a careful human coder would never argue about live here; everything fuzzy is the model's.
"""

from __future__ import annotations

import re

from exercises.coder.features import normalise, tokens

_OPEN_REQUEST = re.compile(
    r"^(?:so,? |and |okay,? |ok,? )?(?:could|can|would|will) you (?:please )?"
    r"(?:tell me|describe|walk me|talk me|say (?:a bit |a little )?more|explain|share|help me understand)"
    r"|^(?:so,? |and |okay,? )?(?:tell me|describe|walk me through|talk me through|help me understand)\b"
    r"|^(?:i'd like to hear|i'm curious (?:about|what|how))"
)
_CLOSED_WH = re.compile(
    r"^(?:and |so )?(?:how (?:many|much|long|old|often|far)|what time|when (?:is|was|will|did|does|are)|"
    r"where (?:do|does|did|is|are) (?:you|they|he|she) (?:live|work|stay)|who (?:is|was) your|"
    r"which (?:day|one|date))\b"
)
_OPEN_WH = re.compile(r"^(?:and |so |okay,? |ok,? |well,? )?(?:what|how|in what way|which parts?)\b")
_JUDGING_WHY = re.compile(
    r"^(?:and |so )?why (?:didn't|don't|can't|won't|wouldn't|couldn't|did|would|do) you\b"
    r"|^(?:and |so )?why (?:on earth|the hell|again)\b|^how come you (?:didn't|don't|can't|never)\b"
)
_AUX_START = re.compile(
    r"^(?:and |so |okay,? |ok,? |but )?(?:do|does|did|is|are|was|were|have|has|had|will|would|should|"
    r"can|could|shall|may|might|am)\s+(?:you|we|i|it|they|he|she|that|this|there|your|the|things|anyone|"
    r"anything|everyone|any)\b"
)
_LEADING = re.compile(
    r"^(?:and |so |but )?(?:don't|doesn't|isn't|aren't|wouldn't|shouldn't|won't|can't|haven't|didn't)"
    r"\s+(?:you|it|that|this|they|we)\b"
)
_PERMISSION = re.compile(
    r"^(?:would|will|is) it be (?:ok|okay|all right|alright|helpful|useful)\b|^(?:is it|would it be) "
    r"(?:ok|okay|alright|all right) (?:if|to)\b|^(?:may|can|could) i (?:share|offer|suggest|tell|ask|give|add)"
    r"|^do you mind if\b|^would you (?:like|be (?:open|willing|ok|okay)) (?:me to|to hear|to look|if i)"
)
_WHY_ADVICE = re.compile(
    r"^(?:and |so |well,? )?why (?:don't|not|wouldn't) you (?:just )?(?:try|ask|go|talk|call|take|use|get|tell(?! me)|"
    r"start|stop|give|have|see|book|write|speak|look|join|put|make|let|set)\b|^why not\b"
)
_BUT_ADVICE = re.compile(
    r",? but (?:honestly,? |really,? |i think )?you (?:should|need to|have to|must|ought to|'d better)\b"
)
_AUTONOMY = re.compile(
    r"^(?:and |so |but |well,? |look,? |honestly,? )?(?:it's |that's |it is |this is )?(?:entirely |totally |"
    r"completely |really |ultimately |still )?(?:your (?:own )?(?:call|choice|decision)|up to you)\b"
    r"|\b(?:it's|that's|it is|this is) (?:entirely |totally |completely |really |ultimately |still )?"
    r"(?:your (?:own )?(?:call|choice|decision)|up to you)\b"
)


def apply_rules(sentence: str, ranked: list[tuple[str, float]]) -> tuple[str, float]:
    """Return (code, confidence) for a sentence, given the model's ranked guesses."""
    top, p = ranked[0]
    probs = dict(ranked)
    low = normalise(sentence).lower()
    words = [t for t in tokens(low) if t not in ("?", "!")]
    if not words:
        return "other", max(p, 0.9) if top == "other" else 0.9
    is_q = low.rstrip(" .!\"')").endswith("?")

    if _PERMISSION.search(low) and is_q:
        return "seek_collaboration", max(p, probs.get("seek_collaboration", 0.0), 0.85)
    if _WHY_ADVICE.search(low) or _BUT_ADVICE.search(low):
        return "advise", max(probs.get("advise", 0.0), 0.8)
    if _JUDGING_WHY.search(low) and top not in ("open_question",):
        return top, p
    if not is_q and _AUTONOMY.search(low) and ", but" not in low and top not in ("advise", "confront"):
        return "emphasize_autonomy", max(probs.get("emphasize_autonomy", 0.0), 0.8)
    if _OPEN_REQUEST.search(low) and top != "seek_collaboration":
        return "open_question", max(probs.get("open_question", 0.0), 0.9)
    if is_q:
        if _LEADING.search(low):
            # Leading questions ("Don't you think...?") are closed questions in disguise.
            if top in ("advise", "confront"):
                return top, p
            return "closed_question", max(probs.get("closed_question", 0.0), 0.8)
        if _CLOSED_WH.search(low):
            return "closed_question", max(probs.get("closed_question", 0.0), 0.8)
        if _OPEN_WH.search(low) and top in ("closed_question", "simple_reflection", "complex_reflection",
                                             "other", "give_information"):
            return "open_question", max(probs.get("open_question", 0.0), 0.75)
        if _AUX_START.search(low) and top in ("open_question", "simple_reflection", "complex_reflection",
                                              "other", "give_information", "affirm"):
            return "closed_question", max(probs.get("closed_question", 0.0), 0.75)
    return top, p
