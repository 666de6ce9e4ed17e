"""The monitoring part of the demo county: demo devices with known tokens, and the simulator that feeds them."""
