"""Slack through Bolt: events, slash command, buttons, App Home and the manager's schedule modal.

Every slack_bolt / slack_sdk import stays inside this package.
"""

from adapters.slack.adapter import SlackAdapter

__all__ = ["SlackAdapter"]
