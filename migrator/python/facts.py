"""What analysing one Python module leaves behind: plain data, cached and sent between processes.

Kept apart from the analysers so that reading a cached result never imports LibCST.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class Use:
    """A string expression whose value may be (part of) an Astro API URL."""

    template: tuple
    start: int  # span of the expression in the module's text
    end: int
    method: Optional[str] = None
    docstring: bool = False
    inert: bool = False  # compared or replaced, not requested
    assigned: bool = False  # the value a name is bound to (`BASE = "…"`), not a call
    escape: str = ""  # why the value goes where analysis cannot follow it (returned, stored, passed)
    attribute: str = ""  # the attribute the value is stored in (`self.base = …`), followed project-wide
    binds: str = ""  # the name the value is bound to (`URL = f"{BASE}/…"`), whose reads are followed
    attributes: tuple = ()  # "Class.attr" the value was read through (`self.path` in Class)
    reshaped: bool = False  # cut or changed before use (`URL.rsplit(…)`): its visible path says nothing


@dataclass
class PythonFacts:
    key: str
    uses: list = field(default_factory=list)
    exports: dict = field(default_factory=dict)  # module-level name -> template
    comments: list = field(default_factory=list)  # (offset, text) of comments naming v1beta1
    fields: list = field(default_factory=list)  # JSON field uses, see migrator.policy.fields
    names: set = field(default_factory=set)  # every module-level name (a split must pick a free one)
    rebound: set = field(default_factory=set)  # module-level names assigned again (`global`, `+=`, twice)
    rebound_spans: list = field(default_factory=list)  # (start, end) of those names' module-level values
    # module-level NAME = value assigned once: name -> see UseCollector._definition
    definitions: dict = field(default_factory=dict)
    relative: list = field(default_factory=list)  # Uses of host-less "/organizations/..." paths
    unresolved_attrs: set = field(default_factory=set)  # attribute names read on objects analysis cannot tell
    star_imports: list = field(default_factory=list)  # modules imported with `from m import *`
    unmapped: str = ""  # why this module's scopes are unknown (then no base it reads is safe to fix)
    attribute_writes: dict = field(default_factory=dict)  # attribute -> who sets it (classes, `obj.x = …`)
    class_bases: dict = field(default_factory=dict)  # class name -> the last names of its bases
    dynamic: str = ""  # how the module reads or sets names by string (`eval`, `globals()`), if it does
    dynamic_imports: bool = False  # it imports modules named at run time (`import_module(name)`)


@dataclass
class ApiCall:
    """A request whose URL may be an Astro URL."""

    template: tuple
    method: Optional[str]
    start: int
    end: int
    pinned: bool  # the call (or the module, for headers it cannot see) sends the version header


@dataclass
class FieldUse:
    """A JSON key or query parameter sent to, or read from, the response of a request."""

    template: tuple  # URL of the request
    method: Optional[str]
    where: str  # "request" | "response" | "query"
    key: str  # the field name, or "*" for a whole response sent back as a body
    start: int  # span of the name as written (inside its quotes), or of the whole body
    end: int
    certain: bool = True
    value: Optional[str] = None  # a literal value, for query parameters
    source: Optional[tuple] = None  # (template, method) of the response a whole body came from
    why: str = ""  # why the value may not be (only) this request's: shown when not `certain`
    attribute: str = ""  # "Class.attr" the value was held on, whose other writers make it uncertain


@dataclass(frozen=True)
class FlowRef:
    """In a template: the request whose data a function of another module returns."""

    module: str  # as the reading module imports it
    name: str  # "list_tokens", or "AstroClient.get_deployment" for a method


@dataclass(frozen=True)
class ParamRef:
    """In a template: a parameter of a function of this module, which its callers fill (`ArgFlow`)."""

    function: str  # "deployment_ids", or "Client.method"
    name: str
    index: int  # its position (`self`/`cls` not counted)


@dataclass
class ArgFlow:
    """A request's data passed to a function of the project: `deployment_ids(get_tokens())`."""

    module: str  # "" for a function of this module, else the module it is imported from
    function: str
    index: int  # the argument's position, -1 for a keyword argument
    keyword: str
    template: tuple  # URL of the request
    method: Optional[str]


@dataclass
class FlowExport:
    """A module-level function or method whose return value comes from a request."""

    name: str  # "list_tokens", "AstroClient.get_deployment"
    template: tuple  # URL of the request (a FlowRef: what a function of another module returns)
    method: Optional[str]
    certain: bool = True


@dataclass
class BodyExport:
    """A module-level dict, or a function returning one, that another module may send as a body."""

    name: str
    keys: tuple  # (key, start, end, literal value or None) of each key as written


@dataclass
class SentBody:
    """A body that a dict or function of another module (`body`) builds, sent to a request."""

    template: tuple  # URL of the request
    method: Optional[str]
    where: str  # "request" | "query"
    body: FlowRef
    start: int  # span of the body expression
    end: int


@dataclass
class ModelField:
    """A field of a pydantic model, dataclass or TypedDict, under the JSON name it reads."""

    model: str  # the class name (module level)
    key: str  # the JSON name: the alias, or the attribute name
    start: int  # span of that name as written
    end: int
    kind: str  # "alias" (a string), "key" (a TypedDict key) or "attribute" (a Python name)


@dataclass
class ModelFeed:
    """A request's data made into (or declared as) a model class: `Token(**t)`, `x: Token = …`."""

    module: str  # "" for a class of this module, else the module it is imported from
    model: str
    template: tuple  # URL of the request
    method: Optional[str]
    certain: bool = True
