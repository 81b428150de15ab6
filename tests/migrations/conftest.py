"""The migration tests' fixtures, shared by every module here."""
from .test_migrations import scratch_url  # noqa: F401  (a fixture, found by name)
