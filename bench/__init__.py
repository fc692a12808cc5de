"""Benchmark of the search bar against stock Flask-AppBuilder and the floor: see bench/README.md."""
