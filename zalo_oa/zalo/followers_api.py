"""Zalo calls for followers and article broadcasts, through the one ZaloClient.

Meant to become ZaloClient methods; until then they reuse its session, timeout and errors.
"""
import json

GETLIST_PATH = "/v3.0/oa/user/getlist"
BROADCAST_PATH = "/v2.0/oa/message"
MAX_COUNT = 50
MAX_OFFSET = 9951


def get_followers(client, offset=0, count=MAX_COUNT, period=None, tag_name=None):
    """One page of followers: `{"total", "count", "offset", "users": [{"user_id"}]}`."""
    query = {"offset": offset, "count": min(count, MAX_COUNT), "is_follower": True}
    if period:
        query["last_interaction_period"] = period
    if tag_name:
        query["tag_name"] = tag_name
    return client._call("GET", GETLIST_PATH, params={"data": json.dumps(query)})


def broadcast_article(client, article_id, target=None):
    """Zalo's own broadcast of an article to followers matching `target`; returns `data`."""
    return client._call("POST", BROADCAST_PATH, json={
        "recipient": {"target": target or {}},
        "message": {"attachment": {"type": "template", "payload": {
            "template_type": "media",
            "elements": [{"media_type": "article", "attachment_id": article_id}]}}}})
