"""Fake servers for tests: they speak real protocols on 127.0.0.1 only."""
