"""``dataclass``, ``field`` and ``replace``, cheap to define.

The domain model alone has about ninety classes. The standard library's
``@dataclass`` takes half a millisecond or more for each (it compiles
``__init__``, ``__repr__`` and ``__eq__`` and builds an ``inspect`` signature
for the docstring), which made defining the classes a third of a cold
command's time. This ``dataclass`` shares one generic ``__eq__``, ``__repr__``
and ``__hash__`` and compiles ``__init__`` (the one method that must be fast)
when a class is first instantiated, as a command uses a fraction of the
classes. It supports what xenvirsh uses: fields with a default value or a
``default_factory``, fields left out of comparisons, positional or keyword
arguments, ``frozen=True``, and no inheritance between records.
"""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    List,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
    cast,
    overload,
)

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:
    def dataclass_transform(**_: object) -> Callable[[Any], Any]:
        return lambda decorated: decorated

T = TypeVar("T")

# the class attribute with a record's _Spec
_SPEC = "__record__"


class _Field:
    __slots__ = ("default", "factory", "compare")

    def __init__(self, default: object, factory: Optional[Callable[[], object]],
                 compare: bool) -> None:
        self.default = default
        self.factory = factory
        self.compare = compare


class FrozenInstanceError(AttributeError):
    """An assignment to a field of a frozen record."""


_MISSING = object()
_set = object.__setattr__


@overload
def field(*, default: T, compare: bool = True) -> T: ...


@overload
def field(*, default_factory: Callable[[], T], compare: bool = True) -> T: ...


def field(*, default: object = _MISSING,
          default_factory: Optional[Callable[[], object]] = None,
          compare: bool = True) -> object:
    """A field with a default made anew for each instance, or one left out
    of comparisons."""
    return _Field(default, default_factory, compare)


@overload
@dataclass_transform(field_specifiers=(field,))
def dataclass(cls: Type[T]) -> Type[T]: ...


@overload
def dataclass(*, frozen: bool = False) -> Callable[[Type[T]], Type[T]]: ...


def dataclass(cls: Optional[Type[T]] = None, *, frozen: bool = False
              ) -> Union[Type[T], Callable[[Type[T]], Type[T]]]:
    """Give a class an ``__init__`` taking its annotated fields, value equality
    and a readable repr, as ``dataclasses.dataclass`` would; ``frozen``
    refuses assignments and makes instances hashable."""
    if cls is None:
        return lambda cls: _make_record(cls, frozen)
    return _make_record(cls, frozen)


class _Spec:
    """What a record class knows of its fields."""

    __slots__ = ("names", "name_set", "compared", "initial", "defaults", "factories",
                 "required", "frozen", "uses")

    def __init__(self, cls: type, frozen: bool) -> None:
        self.names = tuple(cls.__dict__.get("__annotations__", {}))
        self.name_set = frozenset(self.names)
        self.frozen = frozen
        self.uses = 0
        compared: List[str] = []
        # every field in order, _MISSING for those without a plain default
        self.initial: Dict[str, object] = {}
        self.defaults: Dict[str, object] = {}
        factories: List[Tuple[str, Callable[[], object]]] = []
        required: List[str] = []
        for name in self.names:
            default = cls.__dict__.get(name, _MISSING)
            compare = True
            factory = None
            if isinstance(default, _Field):
                compare, factory, default = default.compare, default.factory, default.default
                if default is _MISSING:
                    delattr(cls, name)  # like dataclasses: no class attribute for these
                else:
                    setattr(cls, name, default)
            if factory is not None:
                factories.append((name, factory))
            elif default is not _MISSING:
                self.defaults[name] = default
            elif factories or self.defaults:
                raise TypeError(f"non-default argument '{name}' follows default argument")
            else:
                required.append(name)
            if compare:
                compared.append(name)
            self.initial[name] = default
        self.compared = tuple(compared)
        self.factories = tuple(factories)
        self.required = tuple(required)


def _make_record(cls: Type[T], frozen: bool) -> Type[T]:
    # the fields are looked at on first use (see _spec): a command uses few classes
    methods: Any = cls  # typed loosely: mypy refuses assignments to methods
    methods.__init__ = _init
    methods.__eq__ = _eq
    methods.__repr__ = _repr
    if frozen:
        methods.__setattr__ = _refuse_setattr
        methods.__delattr__ = _refuse_delattr
        methods.__hash__ = _hash
    else:
        methods.__hash__ = None  # mutable and compared by value, as dataclasses do
    return cls


def _spec(cls: type) -> _Spec:
    spec: Optional[_Spec] = cls.__dict__.get(_SPEC)
    if spec is None:
        spec = _Spec(cls, cls.__dict__.get("__setattr__") is _refuse_setattr)
        setattr(cls, _SPEC, spec)
    return spec


# instantiations of a class before it gets a compiled __init__
_COMPILE_AFTER = 8


def _init(self: object, *args: object, **kwargs: object) -> None:
    """A record's ``__init__`` until it has been used a few times: one that
    needs no compiling (compiling costs about 15 µs a field, and a command
    makes most classes only once or twice), then the compiled one, a
    microsecond faster per call, for programs that make many."""
    cls: Any = type(self)
    spec = _spec(cls)
    spec.uses += 1
    if spec.uses > _COMPILE_AFTER:
        cls.__init__ = init = _compile_init(spec, cls.__qualname__)
        init(self, *args, **kwargs)
        return
    values = dict(spec.initial)
    if args:
        if len(args) > len(spec.names):
            raise TypeError(f"{cls.__qualname__}() takes {len(spec.names)} positional "
                            f"arguments but {len(args)} were given")
        for name, value in zip(spec.names, args):
            if name in kwargs:
                raise TypeError(f"{cls.__qualname__}() got multiple values for argument "
                                f"'{name}'")
            values[name] = value
    if kwargs:
        for name in kwargs.keys() - spec.name_set:
            raise TypeError(f"{cls.__qualname__}() got an unexpected keyword argument "
                            f"'{name}'")
        values.update(kwargs)
    for name, make in spec.factories:
        if values[name] is _MISSING:
            values[name] = make()
    for name in spec.required:
        if values[name] is _MISSING:
            raise TypeError(f"{cls.__qualname__}() missing required argument: '{name}'")
    # one by one in field order, as the compiled __init__ does, so that instances
    # share their attribute layout (updating __dict__ at once would not);
    # object's __setattr__ also goes around a frozen record's refusal
    for name, value in values.items():
        _set(self, name, value)


def _compile_init(spec: _Spec, qualname: str) -> Callable[..., None]:
    namespace: Dict[str, object] = {"_MISSING": _MISSING, "_set": _set}
    factories = dict(spec.factories)
    params: List[str] = []
    body: List[str] = []
    for name in spec.names:
        value = name
        if name in factories:
            # a sentinel default; the factory makes the value when none is given
            namespace[f"_make_{name}"] = factories[name]
            params.append(f"{name}=_MISSING")
            value = f"_make_{name}() if {name} is _MISSING else {name}"
        elif name in spec.defaults:
            namespace[f"_default_{name}"] = spec.defaults[name]
            params.append(f"{name}=_default_{name}")
        else:
            params.append(name)
        # a frozen record's own __setattr__ refuses, so its __init__ goes around it
        body.append(f"    _set(self, '{name}', {value})" if spec.frozen
                    else f"    self.{name} = {value}")
    source = (f"def __init__(self, {', '.join(params)}):\n"
              + ("\n".join(body) if body else "    pass") + "\n")
    exec(compile(source, f"<record {qualname}>", "exec"), namespace)
    init = cast("Callable[..., None]", namespace["__init__"])
    init.__qualname__ = f"{qualname}.__init__"
    return init


def _values(obj: object) -> Tuple[object, ...]:
    return tuple(getattr(obj, name) for name in _spec(type(obj)).compared)


def _eq(self: object, other: object) -> object:  # bool, or NotImplemented
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: object) -> int:
    return hash(_values(self))


def _repr(self: object) -> str:
    pairs = ", ".join(f"{name}={getattr(self, name)!r}" for name in _spec(type(self)).names)
    return f"{type(self).__qualname__}({pairs})"


def _refuse_setattr(self: object, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field '{name}'")


def _refuse_delattr(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field '{name}'")


def replace(obj: T, **changes: Any) -> T:
    """A copy of ``obj`` with some fields changed (``dataclasses.replace``)."""
    names = _spec(type(obj)).names
    for name in changes:
        if name not in names:
            raise TypeError(f"{type(obj).__qualname__} has no field '{name}'")
    values = {name: getattr(obj, name) for name in names}
    values.update(changes)
    return type(obj)(**values)
