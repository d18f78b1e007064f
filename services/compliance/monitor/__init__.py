"""The compliance monitor: the committee's findings, their lifecycle and scorecards."""
