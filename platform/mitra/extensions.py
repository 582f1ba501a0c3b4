"""Flask extensions, created bare here and bound to the app in the factory."""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

from events.store import metadata


class Base(DeclarativeBase):
    # One MetaData for the domain and the event store, so one migration history covers both.
    metadata = metadata


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
