"""A small base for value objects on the path of every `ecgkg query`.

The dataclasses module would do this, but importing it (with inspect) costs some 10 ms of each
query's start-up (see ecgkg/launcher.py), so the classes there list their FIELDS and get
equality and a readable repr from here.
"""

from __future__ import annotations


class Record:
    """Compared and shown by the attributes named in FIELDS; mutable, so not hashable."""

    FIELDS: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.FIELDS}

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self.as_dict() == other.as_dict()

    __hash__ = None

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.as_dict().items())
        return f"{type(self).__name__}({fields})"
