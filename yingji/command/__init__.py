"""Emergency command: incidents, plans, routing, dispersion threat zones, evacuation, allocation."""
