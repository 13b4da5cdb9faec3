"""Safe arithmetic for rubric items: numbers, named metrics and manual values, + - * /, min and max.

Never Python's ``eval``: an expression is parsed and checked node by node against a small whitelist
(no attribute access, subscripts, comparisons, strings, keywords or calls other than ``min``/``max``),
then evaluated by ``simpleeval`` with only those operators and functions. A missing value (a null
metric such as the sharing rate of a unit without use) or a division by zero gives ``None`` — the
item then scores 0 — never an error.
"""
from __future__ import annotations

import ast
import operator

from flask_babel import lazy_gettext as _l
from simpleeval import SimpleEval

MAX_LENGTH = 300
FUNCTIONS = {"min": min, "max": max}
OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
             ast.USub: operator.neg, ast.UAdd: operator.pos}
_ALLOWED_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Load, ast.Constant, ast.Call,
                  ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd)


class ExpressionError(ValueError):
    """An expression that may not be used; ``str()`` is a message for people (lazy, translated)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


def parse(expression: str, names) -> ast.Expression:
    """The checked syntax tree of ``expression``, whose names must all be in ``names``."""
    if not isinstance(expression, str) or not expression.strip():
        raise ExpressionError(_l("The expression is empty."))
    if len(expression) > MAX_LENGTH:
        raise ExpressionError(_l("The expression is too long."))
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        raise ExpressionError(_l("The expression is not valid arithmetic.")) from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise ExpressionError(_l("Only numbers, names, + - * /, parentheses, min and max are allowed."))
        if isinstance(node, ast.Constant) and (isinstance(node.value, bool)
                                               or not isinstance(node.value, int | float)):
            raise ExpressionError(_l("Only numbers, names, + - * /, parentheses, min and max are allowed."))
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
                raise ExpressionError(_l("Only the functions min and max may be called."))
            if len(node.args) < 2:
                raise ExpressionError(_l("min and max need at least two arguments."))
        if isinstance(node, ast.Name) and node.id not in FUNCTIONS and node.id not in names:
            raise ExpressionError(_l("Unknown name: %(name)s.", name=node.id))
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in FUNCTIONS and id(node) not in called:
            raise ExpressionError(_l("min and max can only be called."))
    return tree


def names_in(tree: ast.Expression) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id not in FUNCTIONS}


def check(expression: str, names) -> None:
    """Raise ExpressionError when the expression may not be used (also by a trial run with ones)."""
    tree = parse(expression, names)
    evaluate(tree, {name: 1.0 for name in names_in(tree)})


def evaluate(tree: ast.Expression, values: dict) -> float | None:
    """The value of a checked expression; None when a name it uses is null or it divides by zero."""
    used = names_in(tree)
    if any(values.get(name) is None for name in used):
        return None
    evaluator = SimpleEval(operators=OPERATORS, functions=FUNCTIONS,
                           names={name: float(values[name]) for name in used})
    try:
        result = evaluator.eval("", previously_parsed=tree.body)
    except ZeroDivisionError:
        return None
    except (ArithmeticError, TypeError, ValueError):
        return None
    return float(result)
