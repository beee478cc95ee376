"""Role-play: a simulated ambivalent client (cases as data, a small state machine) and the MITI-style
session report. Pure domain: no I/O beyond reading the packaged case files."""

from exercises.roleplay.cases import Case, CaseError, cases, find_cases
from exercises.roleplay.client import ClientState
from exercises.roleplay.report import FAIR_GOOD, GLOBALS, Redo, Report, build_report
from exercises.roleplay.session import MAX_TURNS, Session, Turn, closing_line, start, step

__all__ = [
    "FAIR_GOOD", "GLOBALS", "MAX_TURNS", "Case", "CaseError", "ClientState", "Redo", "Report", "Session", "Turn",
    "build_report", "cases", "closing_line", "find_cases", "start", "step",
]
