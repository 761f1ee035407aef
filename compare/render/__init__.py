"""Renderers: pure functions from result records to text (no I/O, no click)."""
