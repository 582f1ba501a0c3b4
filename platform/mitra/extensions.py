"""Flask extensions, created bare here and bound to the app in the factory."""

from typing import TYPE_CHECKING, ClassVar

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Table
from sqlalchemy.orm import DeclarativeBase

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
