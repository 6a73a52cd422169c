"""Values worked out once per immutable object (a questionnaire, its questions) in a process."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class KeptPerObject(Generic[Value]):
    """Values keyed by the identity of the objects they were made from (and by more keys).

    The objects are kept with their value, so that their ids are not reused meanwhile; when
    ``size`` values are kept, they are all dropped and made again as they are asked for.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.found: dict[tuple[Hashable, ...], tuple[tuple[object, ...], Value]] = {}

    def get(self, objects: tuple[object, ...], make: Callable[[], Value], *keys: Hashable) -> Value:
        """The value made from these objects (and keys), made now if it is not kept."""
        key = (keys, tuple(map(id, objects)))
        found = self.found.get(key)
        if found is not None and all(a is b for a, b in zip(found[0], objects, strict=True)):
            return found[1]
        value = make()
        if len(self.found) >= self.size:
            self.found.clear()
        self.found[key] = (objects, value)
        return value
