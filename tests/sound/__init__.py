"""Helpers for the soundness tests: fixture projects copied, fixed, imported and run."""
