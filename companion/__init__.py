"""LLM Study Companion: an offline desktop app for a 14-day course on LLMs."""

__version__ = "0.1.0"
