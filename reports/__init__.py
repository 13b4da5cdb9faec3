"""Sharing metrics, rubrics, evaluations and exports, computed from the usage ledger."""
