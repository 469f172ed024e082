"""The rules a scheduling call is checked against, one module each; `mypy_plugin.checks` orders them."""
