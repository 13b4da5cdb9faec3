"""User accounts, passwords, login sessions and API tokens."""
