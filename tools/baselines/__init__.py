"""Baselines that `make eval` compares the project's NLU with."""
