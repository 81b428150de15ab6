"""Evidence kept: citizens' photos, audio and video copied from Zalo's CDN by the worker (its
links do not last), checked on their bytes, with thumbnails, in MEDIA_DIR or an S3 bucket.

`sniff` (what the bytes are) and `fetch.allowed` are pure; `fetch`, `store` and `archive` do
the I/O.
"""
