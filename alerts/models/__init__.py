"""Typed SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from alerts.models.areas import Area, CouncilRecord, PostcodeLookup
from alerts.models.audience import AudienceCount, AudienceMember
from alerts.models.audit import AuditEvent
from alerts.models.base import Base, utc_now
from alerts.models.delivery import ALL_CHANNELS, ChannelHold, RateBucket
from alerts.models.fanouts import Fanout, FanoutStatus
from alerts.models.feeds import FeedSource, WeatherWarning
from alerts.models.headlines import Headline
from alerts.models.insight import InsightCount, NoticeDelivery
from alerts.models.messages import Message, MessageKind, MessageStatus
from alerts.models.notices import (
    Impact,
    Notice,
    NoticeStatus,
    NoticeUpdate,
    PendingUpdate,
    UpdateKind,
    UpdatePromise,
    notice_areas,
    notice_editors,
)
from alerts.models.operations import Heartbeat
from alerts.models.residents import DigestSend, InboundText, ManageRequest
from alerts.models.services import Service
from alerts.models.staff import (
    ApiToken,
    PasswordLinkRequest,
    PasswordReset,
    RecoveryCode,
    Role,
    SignInThrottle,
    StaffUser,
)
from alerts.models.subscribers import (
    Channel,
    Resident,
    Subscriber,
    SubscriberStatus,
    Subscription,
    subscriber_services,
)
from alerts.models.templates import NoticeTemplate

__all__ = [
    "ALL_CHANNELS",
    "ApiToken",
    "Area",
    "AudienceCount",
    "AudienceMember",
    "AuditEvent",
    "Base",
    "Channel",
    "ChannelHold",
    "CouncilRecord",
    "DigestSend",
    "Fanout",
    "FanoutStatus",
    "FeedSource",
    "Headline",
    "Heartbeat",
    "Impact",
    "InboundText",
    "InsightCount",
    "ManageRequest",
    "Message",
    "MessageKind",
    "MessageStatus",
    "Notice",
    "NoticeDelivery",
    "NoticeStatus",
    "NoticeTemplate",
    "NoticeUpdate",
    "PasswordLinkRequest",
    "PasswordReset",
    "PendingUpdate",
    "PostcodeLookup",
    "RateBucket",
    "RecoveryCode",
    "Resident",
    "Role",
    "Service",
    "SignInThrottle",
    "StaffUser",
    "Subscriber",
    "SubscriberStatus",
    "Subscription",
    "UpdateKind",
    "UpdatePromise",
    "WeatherWarning",
    "notice_areas",
    "notice_editors",
    "subscriber_services",
    "utc_now",
]
