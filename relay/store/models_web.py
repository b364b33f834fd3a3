"""What the public web site keeps: how many pages of each kind it served per month, nothing
about who asked for them."""

from sqlalchemy import Column, Integer, String
from sqlmodel import Field, SQLModel


class SiteCount(SQLModel, table=True):
    """Pages of one kind served in one month (in RELAY_TIMEZONE): `searches`, `entry_views`."""

    __tablename__ = "site_counts"

    month: str = Field(sa_column=Column(String(7), primary_key=True))  # "2026-10"
    what: str = Field(sa_column=Column(String(32), primary_key=True))
    count: int = Field(default=0, sa_column=Column(Integer, nullable=False))
