"""The Qt layer: one module per view. Only this package (and app.py) imports Qt."""
