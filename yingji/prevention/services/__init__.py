"""Prevention writes, split by noun. Each validates, checks scope and the enterprise's subscription, writes its
audit event in the same transaction and publishes after commit."""
