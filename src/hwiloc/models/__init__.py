"""Noise-free observation models and their derivatives."""
