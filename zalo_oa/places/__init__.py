"""Where a report is: the ward a point lies in (imported boundaries), addresses and
coordinates from a geocoder, and the open cases near a point.

`wards` and `nearby`'s box arithmetic are pure; `boundaries`, `geocoder` and `resolve` do the
I/O (database, HTTP) around them.
"""
