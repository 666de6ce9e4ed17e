"""One map (一张图), one table (一张表) and the platform's home page."""
