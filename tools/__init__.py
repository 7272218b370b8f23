"""Developer tools: evaluation and benchmarks (these import Rasa)."""
