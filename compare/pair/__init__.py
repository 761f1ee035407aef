"""Pair comparison: prepare, score and align sentences, diff, quotes, divergences, ``compare_articles``."""
