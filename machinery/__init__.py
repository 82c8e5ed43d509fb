"""Shared library of kubeling: every component imports this package and nothing else of ours."""
