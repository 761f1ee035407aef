"""Union-find (disjoint sets) and connected components: the one copy every stage uses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsDunderLT

#: Items: hashable and ordered (ints, tuples of ints, strings).
T = TypeVar("T", bound="SupportsDunderLT[Any]")


class UnionFind(Generic[T]):
    """Disjoint sets over hashable, ordered items, added on first sight.

    The root of a set is its smallest item, so results do not depend on the
    order of the unions.

    >>> sets = UnionFind[int]()
    >>> sets.union(3, 1), sets.union(1, 3), sets.union(2, 5)
    (True, False, True)
    >>> sets.find(3), sets.groups()
    (1, [[3, 1], [2, 5]])
    """

    __slots__ = ("_parent",)

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._parent: dict[T, T] = {x: x for x in items}

    def find(self, x: T) -> T:
        """The root of ``x``'s set (``x`` is added as a set of its own when new)."""
        parent = self._parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]  # path halving
            x = parent[x]
        return x

    def union(self, a: T, b: T) -> bool:
        """Join the sets of ``a`` and ``b``; False when they were one set already."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if ra < rb:
            self._parent[rb] = ra
        else:
            self._parent[ra] = rb
        return True

    def groups(self) -> list[list[T]]:
        """Every set, items in the order they were first seen, sets in the order of their first item."""
        out: dict[T, list[T]] = {}
        for x in list(self._parent):
            out.setdefault(self.find(x), []).append(x)
        return list(out.values())


def connected_components(pairs: Iterable[tuple[int, int]], size: int) -> list[list[int]]:
    """Components of ``range(size)`` joined by index pairs: those of two or more, each sorted.

    >>> connected_components([(0, 2), (3, 4), (2, 5)], 6)
    [[0, 2, 5], [3, 4]]
    """
    sets = UnionFind(range(size))
    for a, b in pairs:
        sets.union(a, b)
    return sorted((g for g in sets.groups() if len(g) > 1), key=lambda g: g[0])
