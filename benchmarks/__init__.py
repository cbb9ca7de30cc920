"""Figures for Kombo Desktop's speed and memory, each against a baseline from the same run.

``python -m benchmarks`` runs everything and prints one table (see ``benchmarks/README.md``).
Every measurement that needs Qt or the window runs in a child process of its own, so one figure
never warms up another and the runner itself stays free of Qt. This ``__init__`` stays empty of
imports on purpose: the start-up driver is started as ``python -m benchmarks.first_show`` and
must cost the bare-window baseline and the program exactly the same.
"""
