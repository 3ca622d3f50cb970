"""Inference built on a fitted model: profile likelihood, tests, odds ratios."""
