"""The test suite, laid out like the code (CONTRIBUTING.md, "Tests")."""
