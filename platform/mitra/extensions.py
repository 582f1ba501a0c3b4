"""Flask extensions, created bare here and bound to the app in the factory."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, cast

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CursorResult, Executable, Table
from sqlalchemy.orm import DeclarativeBase, Session

from events.store import metadata


class Base(DeclarativeBase):
    # One MetaData for the domain and the event store, so one migration history covers both.
    metadata = metadata
    if TYPE_CHECKING:  # each model maps one Table (none maps a join or a select)
        __table__: ClassVar[Table]


db = SQLAlchemy(model_class=Base)
# Models subclass this. A type checker cannot take an attribute (db.Model) for a base class,
# so it is shown the declarative Base that db.Model is built on.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()


def changed_rows(session: Session, statement: Executable, params: Mapping[str, Any] | None = None) -> int:
    """How many rows an INSERT, UPDATE or DELETE wrote. The count is kept on request (an
    INSERT's cursor is closed before it is read otherwise), and `Session.execute` is typed as
    the plain Result although a write gives a CursorResult, which has it."""
    result = session.execute(statement, params, execution_options={"preserve_rowcount": True})
    return cast(CursorResult, result).rowcount


def insert_or_skip(session: Session | str, model: type | Table):
    """INSERT ... ON CONFLICT DO NOTHING (or DO UPDATE), in the dialect of `session` (or of
    the dialect named): a key already taken is skipped, not an error."""
    dialect = session if isinstance(session, str) else session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(model)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model)
