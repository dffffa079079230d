"""Seeded, deterministic demo data: a plausible province of production units for demos and benchmarks.

``generator.demo_province_build`` builds one province; ``generator.demo_national_build`` builds all 31.
The word lists, sector mixes and Qom's real industrial estates are in ``vocabulary``.
"""
