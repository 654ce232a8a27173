"""Physical constants (SI)."""

SPEED_OF_LIGHT = 299_792_458.0
"""Speed of light in vacuum. [m/s]"""
