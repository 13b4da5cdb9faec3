"""Scheduled jobs of booking: reminders, expiry of pending requests, no-shows, qualification expiry."""
