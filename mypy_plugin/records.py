"""Value objects: the plugin's records (scheduler entries, checked calls, resolved targets)."""

from __future__ import annotations


class Record:
    """A value object: its fields are its ``__slots__``; records compare, hash and print by them.

    mypy imports the plugin in every run, cached or not: a plain slotted class costs about a tenth of a
    ``NamedTuple`` to define. Fields are ``Final``; nothing assigns them after ``__init__``.
    """

    __slots__ = ()

    def fields(self) -> list[tuple[str, object]]:
        """The fields' names and values, in the order of ``__slots__``."""
        names: tuple[str, ...] = type(self).__slots__
        return [(name, getattr(self, name)) for name in names]

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and isinstance(other, Record) and other.fields() == self.fields()

    def __hash__(self) -> int:
        return hash((type(self), tuple(value for _, value in self.fields())))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.fields())
        return f"{type(self).__name__}({fields})"
