"""``torch.fx``: symbolic tracing of numtorch modules and functions into a :class:`Graph` of
:class:`Node` (placeholder, get_attr, call_function, call_method, call_module, output), the
:class:`GraphModule` that runs generated code from it, :class:`Interpreter` /
:class:`Transformer` and ``subgraph_rewriter.replace_pattern``. Node names, printed graphs and
generated code follow torch.fx's; in the generated code ``torch`` names numtorch."""

from __future__ import annotations

from . import subgraph_rewriter
from ._symbolic_trace import PH, Tracer, symbolic_trace, wrap, wrapped_functions
from .graph import Graph
from .graph_module import GraphModule
from .interpreter import Interpreter, Transformer
from .node import Node, map_arg
from .proxy import Proxy
from .subgraph_rewriter import replace_pattern

__all__ = ["wrap", "symbolic_trace", "GraphModule", "wrapped_functions", "Graph", "Node",
           "Proxy", "Tracer", "Interpreter", "Transformer", "map_arg", "replace_pattern",
           "subgraph_rewriter", "PH"]
