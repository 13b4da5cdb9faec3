"""Booking: rules, availability, bookings, qualifications, usage ledger, scheduled jobs."""
