"""Differential testing of the bgtyped mypy plugin against the runtime: generators, renderers, verdicts."""
