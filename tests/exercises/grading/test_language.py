"""Replies in another language are told so (and, in the engine, cost no attempt); English replies never are,
however terse or chatty. None of these sentences is in the language model's training data (tools/language_data).
"""

from __future__ import annotations

import pytest

from exercises.grading.text import bad_input, not_english

OTHER_LANGUAGES = [
    "Me siento muy cansado y no sé qué hacer con mi trabajo, de verdad.",
    "Estás cansado de esperar una solución.",
    "No quiero hablar de eso ahora mismo.",
    "Tengo miedo de perder mi trabajo si digo algo.",
    "Parece que estás agotado y necesitas un descanso.",
    "Je ne sais pas quoi faire avec mon équipe.",
    "Tu sembles fatigué et un peu perdu.",
    "Du bist müde und weißt nicht, wie es weitergehen soll.",
    "Ich habe keine Lust mehr auf diese Besprechungen.",
    "Das ist nicht mein Problem, sondern seins.",
    "Du wirkst erschöpft und unsicher.",
    "Você está cansado de esperar por uma resposta.",
    "Eu não sei se consigo mudar isso sozinho.",
    "Sei stanco di aspettare una risposta dal tuo capo.",
    "Non ho tempo per queste cose adesso.",
    "Sembri stanco e preoccupato per il lavoro.",
    "Je bent moe en je weet niet wat je moet doen.",
    "Ik wil er eigenlijk niet over praten.",
    "Jesteś zmęczony i nie wiesz co robić.",
    "Mam dość tych ciągłych zmian w grafiku.",
    "你好，我最近工作很累。",
    "Ты устал и не знаешь, что делать дальше.",
    # words English also has: a vocabulary test read these as English
    "C'est trop difficile pour moi en ce moment.",
    "tu es fatigué et tu veux que ça change",
    "mi cliente no quiere hablar",
    "je suis fatigué de tout ça",
    "Sei stanco e vuoi cambiare",
    "te sientes solo en esto",
    "Kamu merasa lelah dengan pekerjaan ini.",
]

ENGLISH = [
    "You're tired.",
    "Gracias amigo",  # too short to judge: graded as it is
    "ur finding new ways to start the day",
    "who came in with you",
    "You're gutted the rota fell apart again, innit.",
    "New brush, better breath, floss still AWOL.",
    "It sounds like the commute is wearing you down more than the work itself.",
    "What would make Thursday's handover feel less rushed for you?",
    "You've kept going to physio twice a week even when your knee ached. That takes grit.",
    "On one hand the bonus matters; on the other, you're missing bedtime most nights.",
    "Naïve of me maybe, but you sound like you've already decided.",
    # texting and dialect are English: a vocabulary test told these to write in English
    "ur mum sounds proper worried abt u tbh",
    "so u wanna quit but ur mates r all still vaping",
    "wat wud make mondays less grim 4 u",
    "Yer sister's no wantin tae hear it, aye?",
    "So Señor Ortega feels the café shifts leave no time for his kids.",
    "Mi amigo Jorge says the new tablets are fine.",
]


@pytest.mark.parametrize("text", OTHER_LANGUAGES)
def test_other_languages_are_recognised(text: str) -> None:
    assert not_english(text)
    problem = bad_input(text)
    assert problem is not None and "English" in problem


@pytest.mark.parametrize("text", ENGLISH)
def test_english_replies_are_not_flagged(text: str) -> None:
    assert not not_english(text)
    assert bad_input(text) is None
