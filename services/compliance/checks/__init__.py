"""The compliance checks: worker processes of one consumer group."""
