"""Refuse hostile or broken rules files before PyYAML builds them.

PyYAML's composer recurses once per nesting level (500 nested `[` raise RecursionError) and
expands aliases by reference, so a small "billion laughs" file turns into an exponential walk
once pydantic and the defaults merge visit it; a 20 MB file takes minutes to parse. rules.yaml
is a small hand-edited file, so this guard walks the event stream (iteratively, no recursion)
and refuses, with a line number, anything no operator would write: a file over MAX_BYTES,
nesting deeper than MAX_DEPTH, or aliases that would expand to more than MAX_NODES nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

MAX_BYTES = 1_000_000
MAX_DEPTH = 40
MAX_NODES = 200_000


@dataclass(frozen=True, slots=True)
class Refusal:
    line: int | None
    message: str  # English, for the log
    chinese: str  # for a person


def check_size(size: int) -> Refusal | None:
    if size > MAX_BYTES:
        return Refusal(None, f"file too large ({size:,} bytes, limit {MAX_BYTES:,})",
                       f"文件过大（{size:,} 字节，上限 {MAX_BYTES:,} 字节）")
    return None


def check_text(text: str) -> Refusal | None:
    """None if the text is safe to hand to yaml.safe_load; else why not. YAML syntax errors are
    left to the real parser, which reports them with their position."""
    refusal = check_size(len(text.encode("utf-8")))
    if refusal:
        return refusal
    # size of each anchored node once expanded; a stack of (node count so far, anchor) per
    # open collection
    anchored: dict[str, int] = {}
    stack: list[tuple[int, str | None]] = []
    total = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, yaml.CollectionStartEvent):
                if len(stack) >= MAX_DEPTH:
                    return Refusal(line, f"nested deeper than {MAX_DEPTH} levels", f"嵌套过深（超过 {MAX_DEPTH} 层）")
                stack.append((1, event.anchor))
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                size, anchor = stack.pop()
                if anchor:
                    anchored[anchor] = size
                if stack:
                    parent, parent_anchor = stack[-1]
                    stack[-1] = (parent + size, parent_anchor)
                total += 0 if stack else size
            elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                size = anchored.get(event.anchor, 1) if isinstance(event, yaml.AliasEvent) else 1
                if isinstance(event, yaml.ScalarEvent) and event.anchor:
                    anchored[event.anchor] = 1
                if stack:
                    parent, parent_anchor = stack[-1]
                    stack[-1] = (parent + size, parent_anchor)
                else:
                    total += size
            else:
                continue
            expanded = total + sum(count for count, _ in stack)
            if expanded > MAX_NODES:
                return Refusal(line, f"aliases expand to more than {MAX_NODES:,} nodes",
                               f"锚点和别名（& 与 *）展开后过大（超过 {MAX_NODES:,} 个节点）")
    except yaml.YAMLError:
        return None
    return None
