"""The classification tree: loading the shipped national list, leaves, inherited quota hours."""
from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from instruments.models import Category
from sharing.extensions import db

CATEGORIES_CSV = Path(__file__).parent / "data" / "categories.csv"


def read_national_list(path: Path = CATEGORIES_CSV) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [
            {
                "code": row["code"],
                "name": row["name"],
                "parent_code": row["parent_code"] or None,
                "level": int(row["level"]),
            }
            for row in csv.DictReader(fh)
        ]


def all_categories() -> list[Category]:
    return db.session.scalars(select(Category).order_by(Category.code)).all()


def tree(categories: list[Category]) -> list[dict]:
    """Top-level nodes with their children nested down to the leaves."""
    nodes = {
        c.code: {"code": c.code, "name": c.name, "level": c.level, "rated_hours": c.rated_hours, "children": []}
        for c in categories
    }
    roots = []
    for c in categories:
        (nodes[c.parent_code]["children"] if c.parent_code in nodes else roots).append(nodes[c.code])
    return roots


def is_leaf(code: str) -> bool:
    exists = db.session.scalar(select(Category.code).where(Category.code == code))
    has_child = db.session.scalar(select(Category.code).where(Category.parent_code == code).limit(1))
    return exists is not None and has_child is None


def inherited_rated_hours(code: str) -> int | None:
    """The first non-null ``rated_hours`` from this node up to the root."""
    by_code = {c.code: c for c in all_categories()}
    node = by_code.get(code)
    while node is not None:
        if node.rated_hours is not None:
            return node.rated_hours
        node = by_code.get(node.parent_code)
    return None
