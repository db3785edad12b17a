"""Tests of the fake Telegram sandbox."""
