"""Monitoring: devices, channels, readings, the rule engine and closed-loop alarms."""
