"""Announcements to followers: audiences, fan-out, scheduling, follower sync."""
