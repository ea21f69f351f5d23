"""xenvirsh.record: the cheap dataclasses behave as the standard ones."""

from __future__ import annotations

from typing import List, Optional

import pytest

from xenvirsh.record import FrozenInstanceError, dataclass, field, replace


@dataclass
class Item:
    name: str
    size: int = 0
    tags: List[str] = field(default_factory=list)
    note: Optional[str] = None


@dataclass(frozen=True)
class Point:
    x: int
    y: int = 0
    label: str = field(default="", compare=False)


def _make_many(count: int) -> List[Item]:
    """Enough instances to go past the uncompiled __init__."""
    return [Item(f"n{index}", index, note="x") for index in range(count)]


def test_defaults_factories_and_arguments() -> None:
    first, second = Item("a"), Item("b", 3, ["t"], note="n")
    assert (first.name, first.size, first.tags, first.note) == ("a", 0, [], None)
    assert (second.name, second.size, second.tags, second.note) == ("b", 3, ["t"], "n")
    first.tags.append("mine")
    assert Item("c").tags == []  # a new list per instance


def test_fields_keep_their_order() -> None:
    assert list(vars(Item("a", note="n"))) == ["name", "size", "tags", "note"]


@pytest.mark.parametrize("count", [1, 30])
def test_argument_errors(count: int) -> None:
    _make_many(count)
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        Item("a", colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="name"):
        Item()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="multiple values for argument 'name'"):
        Item("a", name="b")  # type: ignore[misc]
    with pytest.raises(TypeError, match="positional"):
        Item("a", 1, [], None, 5)  # type: ignore[call-arg]


def test_compiled_init_makes_the_same_instances() -> None:
    early = _make_many(30)
    assert [vars(item) for item in early] == [
        {"name": f"n{index}", "size": index, "tags": [], "note": "x"} for index in range(30)]
    assert early[0].tags is not early[29].tags


def test_equality_and_repr() -> None:
    assert Item("a", 1) == Item("a", 1)
    assert Item("a", 1) != Item("a", 2)
    other: object = Point(1)
    assert Item("a") != other
    assert repr(Item("a", tags=["t"])) == "Item(name='a', size=0, tags=['t'], note=None)"
    with pytest.raises(TypeError):
        hash(Item("a"))


def test_frozen_records_refuse_changes_and_hash_compared_fields() -> None:
    point = Point(1, 2, label="here")
    with pytest.raises(FrozenInstanceError):
        point.x = 3  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del point.y
    assert point == Point(1, 2, label="elsewhere")
    assert hash(point) == hash(Point(1, 2))
    assert Point(1).label == ""


def test_replace_copies_with_changes() -> None:
    point = Point(1, 2, label="p")
    moved = replace(point, y=5)
    assert (moved.x, moved.y, moved.label) == (1, 5, "p")
    assert (point.x, point.y) == (1, 2)
    with pytest.raises(TypeError, match="no field 'z'"):
        replace(point, z=1)


def test_a_required_field_after_a_default_is_refused() -> None:
    @dataclass
    class Bad:
        early: int = 0
        late: int  # type: ignore[misc]

    with pytest.raises(TypeError, match="non-default argument 'late'"):
        Bad(1, 2)
