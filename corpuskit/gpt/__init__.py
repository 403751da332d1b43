"""A small decoder-only GPT in plain NumPy (optionally CuPy): model, trainer, sampling."""
