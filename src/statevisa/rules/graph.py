"""The dependency graph between rules: cycles, evaluation order and layers.

Kept apart from type checking: the checker asks which rules depend on which, the
evaluators ask in which order (and which can run side by side in one Polars layer).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from statevisa.rules import ast
from statevisa.rules.model import Program
from statevisa.rules.source import Problems


def dependencies(program: Program) -> dict[str, set[str]]:
    """The rules each rule's formula refers to."""
    return {name: ast.names_in(rule.node) & set(program.rules) for name, rule in program.rules.items()}


def cycles(program: Program, deps: Mapping[str, set[str]], problems: Problems) -> set[str]:
    """Report each cycle once, at its first rule; return every rule on a cycle."""
    color: dict[str, int] = {}  # absent: unvisited, 1: on the current path, 2: done
    on_cycle: set[str] = set()
    for start in program.rules:
        if start in color:
            continue
        color[start] = 1
        path = [start]
        stack = [(start, iter(sorted(deps[start])))]
        while stack:
            node, pending = stack[-1]
            nxt = next(pending, None)
            if nxt is None:
                color[node] = 2
                stack.pop()
                path.pop()
            elif color.get(nxt) == 1:
                loop = [*path[path.index(nxt) :], nxt]
                if not on_cycle & set(loop):
                    problems.add(program.rules[loop[0]].span, f"cycle between rules: {' → '.join(loop)}")
                on_cycle.update(loop)
            elif nxt not in color:
                color[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(sorted(deps[nxt]))))
    return on_cycle


def layers(deps: Mapping[str, set[str]], ordered: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    depth: dict[str, int] = {}
    for name in ordered:
        depth[name] = 1 + max((depth[d] for d in deps[name]), default=-1)
    count = max(depth.values(), default=-1) + 1
    return tuple(tuple(n for n in ordered if depth[n] == level) for level in range(count))


def topological(deps: Mapping[str, set[str]], names: Sequence[str]) -> list[str]:
    done: list[str] = []
    seen: set[str] = set()
    for name in names:
        stack = [(name, False)]
        while stack:
            current, expanded = stack.pop()
            if current in seen:
                continue
            if expanded:
                seen.add(current)
                done.append(current)
                continue
            stack.append((current, True))
            stack.extend((d, False) for d in sorted(deps[current], reverse=True) if d not in seen)
    return done


def needed(deps: Mapping[str, set[str]], outputs: Sequence[str]) -> set[str]:
    """The rules the outputs depend on, directly or not (outputs included)."""
    needed: set[str] = set()
    stack = list(outputs)
    while stack:
        name = stack.pop()
        if name not in needed:
            needed.add(name)
            stack.extend(deps[name])
    return needed
