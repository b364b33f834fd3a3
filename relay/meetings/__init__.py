"""Meetings: scheduling (`service`), invitations, reminders and answers (`reminders`), the
calendar file (`ical`)."""
