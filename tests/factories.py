"""factory_boy factories for the models, behind the `factories` fixture."""

from __future__ import annotations

import datetime as dt

import factory
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from alerts.data import reference
from alerts.extensions import db
from alerts.models import (
    Channel,
    Impact,
    Notice,
    NoticeStatus,
    NoticeUpdate,
    Role,
    StaffUser,
    Subscriber,
    SubscriberStatus,
    Subscription,
    UpdateKind,
    utc_now,
)

PASSWORD = "correct horse battery staple"


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 — factory_boy wants a callable
        sqlalchemy_session_persistence = "commit"


class NoticeFactory(_Base):
    class Meta:
        model = Notice

    title = factory.Sequence(lambda n: f"Bin collections suspended {n}")
    service_id = "bins-and-recycling"
    impact = Impact.MAJOR
    status = NoticeStatus.ACTIVE
    summary = "Collections are suspended because of snow."
    advice = "Keep your bins inside."
    starts_at_utc = factory.LazyFunction(lambda: utc_now() - dt.timedelta(hours=1))
    published_at_utc = factory.LazyFunction(utc_now)
    expected_end_at_utc = factory.LazyFunction(lambda: utc_now() + dt.timedelta(hours=12))

    @factory.post_generation
    def area_ids(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        ids = extracted if extracted is not None else ["weymouth"]
        self.whole_county = ids == [reference.WHOLE_COUNTY_ID]
        self.areas = reference.get_areas(ids)
        if not self.updates:
            self.updates.append(NoticeUpdate(kind=UpdateKind.PUBLISHED, summary=self.summary, advice=self.advice,
                                             summary_cy=self.summary_cy, advice_cy=self.advice_cy))
        if create:
            db.session.commit()


class SubscriberFactory(_Base):
    class Meta:
        model = Subscriber

    class Params:
        # A sign-up waiting for its contact to be confirmed, as the journey leaves it: SubscriberFactory(pending=True).
        pending = factory.Trait(
            status=SubscriberStatus.PENDING, confirmed_at_utc=None, pending_since_utc=factory.LazyFunction(utc_now),
            pending_request={"areas": [["weymouth", "DT4 7TA"]], "services": None, "source": "web", "replaces": None},
        )

    channel = Channel.EMAIL
    contact = factory.Sequence(lambda n: f"resident{n}@example.com")
    status = SubscriberStatus.CONFIRMED
    confirmed_at_utc = factory.LazyFunction(utc_now)

    @factory.post_generation
    def area_ids(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        default = [] if self.status == SubscriberStatus.PENDING else ["weymouth"]  # nothing followed until confirmed
        for area_id in extracted if extracted is not None else default:
            self.subscriptions.append(Subscription(area_id=area_id))
        if create:
            db.session.commit()


class StaffUserFactory(_Base):
    class Meta:
        model = StaffUser

    email = factory.Sequence(lambda n: f"staff{n}@dorsetcouncil.example")
    role = Role.OFFICER
    password_hash = factory.LazyFunction(lambda: generate_password_hash(PASSWORD))
