"""Overlap report: story clusters, per-story content, index matches, ``build_report``."""
