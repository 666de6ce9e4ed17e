"""Hazardous chemicals: catalogue, inventories, major-hazard identification and grading (GB 18218-2018)."""
