from .channels import PERSONAL_KINDS, Channel, ChannelKind, ChannelRecipient, RoutingRule
from .deliveries import Delivery, DeliveryStatus, InboxMessage

__all__ = ["PERSONAL_KINDS", "Channel", "ChannelKind", "ChannelRecipient", "Delivery", "DeliveryStatus",
           "InboxMessage", "RoutingRule"]
