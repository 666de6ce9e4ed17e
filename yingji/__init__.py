"""Yingji (应急): a county smart emergency management platform."""

__version__ = "0.1.0"
