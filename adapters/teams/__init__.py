"""Microsoft Teams through botbuilder. Every botbuilder/botframework import stays inside this package."""

from adapters.teams.adapter import TeamsAdapter

__all__ = ["TeamsAdapter"]
