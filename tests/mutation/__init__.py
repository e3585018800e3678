"""The mutation testing harness of ``make mutation`` (docs/mutation-testing.md); not collected as tests."""
