"""The registry's part of the demo county (`yingji demo`).

`county` builds every record as plain data (pure, seeded: the same records on every run);
`loader.load_demo` replaces the previous demo rows with them and makes the accounts anchored in an
enterprise, an expert or a rescue team. The app config names the loader in `demo_loader`.
"""
