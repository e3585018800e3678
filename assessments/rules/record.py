"""The frozen record the rules' results and the parts of their reasons are made of."""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Any, TypeVar, dataclass_transform

_T = TypeVar("_T")


@dataclass_transform(frozen_default=True)
def record(cls: type[_T]) -> type[_T]:
    """``dataclass(frozen=True)``, with an ``__init__`` that writes the fields into the instance dict.

    A frozen dataclass's own ``__init__`` sets each field through ``object.__setattr__``, about 1,300
    instructions a field on CPython 3.11, and an evaluation builds some 200 of these objects (8 lesions
    with their budgets and reasons): writing the dict costs a fifth of that. Fields, defaults, ``repr``, equality,
    hashing and immutability (``FrozenInstanceError``) are the dataclass's own. Not slotted: a slot can
    only be written through ``object.__setattr__``.
    """
    made: Any = dataclass(frozen=True)(cls)
    declared = fields(made)
    if any(item.default_factory is not MISSING for item in declared):
        raise TypeError(f"{made.__qualname__}: a record's defaults are values, not factories")
    defaults = {f"_{item.name}": item.default for item in declared if item.default is not MISSING}
    parameters = ", ".join(
        f"{item.name}=_{item.name}" if item.default is not MISSING else item.name for item in declared
    )
    stores = "".join(f"\n    values[{item.name!r}] = {item.name}" for item in declared)
    namespace: dict[str, Any] = dict(defaults)
    exec(f"def __init__(self, {parameters}):\n    values = self.__dict__{stores}", namespace)  # noqa: S102
    namespace["__init__"].__qualname__ = f"{made.__qualname__}.__init__"
    made.__init__ = namespace["__init__"]
    return cls
