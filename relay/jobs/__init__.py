"""Scheduled work: reminders, feeds, reports."""
