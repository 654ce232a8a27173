"""Physical constants (SI), and the numerical conventions that the config checks
(:mod:`hwiloc.config`) and the library must agree on."""

SPEED_OF_LIGHT = 299_792_458.0
"""Speed of light in vacuum. [m/s]"""

ANGLE_GRID_MARGIN = 0.01
"""The OFDM LOS estimators' coarse angle grid stops this short of +-pi/2 (chen2022's
Monte Carlo, and the config check that the UE lies inside that grid). [rad]"""
