"""Notifications: the EN/RU catalogue of every type, rendered for each recipient."""

from skypact.notify.catalogue import TYPES, Rendered, Severity, advisory_turn, clock_position, render_notification

__all__ = ["TYPES", "Rendered", "Severity", "advisory_turn", "clock_position", "render_notification"]
