"""The type of a result row of any width (SQLAlchemy 2.1 types rows per column)."""

from typing import Any, TypeAlias

from sqlalchemy import Row

AnyRow: TypeAlias = Row[*tuple[Any, ...]]
