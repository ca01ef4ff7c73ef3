"""The static cost of a GraphQL operation, estimated on its validated document.

Rules (an upper bound, computed before anything executes):

- a field returning an object costs 1 plus its selection's cost; scalar and enum fields cost 0;
- a field taking `first` (a connection) multiplies its selection's cost by the page size:
  `first` as given (a literal or a variable), clamped to 0..MAX_PAGE, DEFAULT_PAGE when absent;
- a plain list field (an order's lines) multiplies its selection's cost by LIST_SIZE; the
  `edges`/`nodes` lists of a connection do not, the connection's page already counted them;
- each top-level mutation field costs MUTATION_COST more, since it writes;
- introspection fields (`__schema`, `__type`, `__typename`) cost 0;
- fragments count where they are spread; fragments on several types of an abstract field are
  summed, and `@skip`/`@include` are ignored: both can only overestimate;
- each fragment is costed once and its cost reused wherever it is spread, so pricing takes
  time linear in the document's length even when spreads multiply the cost exponentially;
- every operation costs at least MIN_COST.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationType,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
)
from graphql.utilities import get_operation_ast

from api.relay import DEFAULT_PAGE, MAX_PAGE

LIST_SIZE = 5
"""The assumed length of a list no argument bounds (an order's lines): a handful, typically."""
MUTATION_COST = 10
"""What each top-level mutation field costs on top of its selection."""
MIN_COST = 1
"""What any operation costs, even `{ __typename }` or an introspection query."""


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> int:
    """The cost of the operation `operation_name` of a validated `document`."""
    operation = get_operation_ast(document, operation_name)
    root = schema.get_root_type(operation.operation) if operation else None
    if operation is None or root is None:
        return MIN_COST  # execution refuses it without resolving anything
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    defaults = {
        d.variable.name.value: d.default_value for d in operation.variable_definitions or ()
    }
    walk = _CostWalk(schema, fragments, variables or {}, defaults)
    extra = MUTATION_COST if operation.operation is OperationType.MUTATION else 0
    return max(MIN_COST, walk.selections(root, operation.selection_set, extra))


class _CostWalk:
    """One pass over an operation's selections, with its fragments and variables at hand."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        defaults: Mapping[str, ValueNode | None],
    ):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.defaults = defaults
        self.known: dict[tuple[str, int], int] = {}

    def selections(
        self, parent: GraphQLNamedType, selection_set: SelectionSetNode, extra: int
    ) -> int:
        """The summed cost of the selections made on `parent`; `extra` added per field."""
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if not selection.name.value.startswith("__"):
                    total += extra + self.field(parent, selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(inner or parent, selection.selection_set, extra)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(parent, selection.name.value, extra)
        return total

    def fragment(self, parent: GraphQLNamedType, name: str, extra: int) -> int:
        """A fragment's cost, computed at its first spread and reused at every other."""
        key = (name, extra)
        if key not in self.known:
            self.known[key] = 0  # met again while costing it: a cycle, which validation refuses
            fragment = self.fragments.get(name)
            if fragment is not None:
                inner = self.schema.get_type(fragment.type_condition.name.value) or parent
                self.known[key] = self.selections(inner, fragment.selection_set, extra)
        return self.known[key]

    def field(self, parent: GraphQLNamedType, node: FieldNode) -> int:
        """What one field costs with everything selected beneath it."""
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(node.name.value)
        if definition is None or node.selection_set is None:
            return 0
        target = get_named_type(definition.type)
        if is_leaf_type(target):
            return 0
        if "first" in definition.args:
            times = self.page_size(node)
        elif is_list_type(get_nullable_type(definition.type)) and not _is_connection(parent):
            times = LIST_SIZE
        else:
            times = 1
        return 1 + times * self.selections(target, node.selection_set, 0)

    def page_size(self, node: FieldNode) -> int:
        """The page a connection field asks for, as the resolver will accept it."""
        given = next((a.value for a in node.arguments or () if a.name.value == "first"), None)
        size = self.integer(given)
        return DEFAULT_PAGE if size is None else min(max(size, 0), MAX_PAGE)

    def integer(self, value: ValueNode | None) -> int | None:
        """An Int argument's value: a literal, or a variable as sent or by its default."""
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            name = value.name.value
            if name not in self.variables:
                return self.integer(self.defaults.get(name))
            sent = self.variables[name]
            return sent if isinstance(sent, int) and not isinstance(sent, bool) else None
        return None


def _is_connection(parent: GraphQLNamedType) -> bool:
    fields = getattr(parent, "fields", {})
    return "pageInfo" in fields and "edges" in fields
