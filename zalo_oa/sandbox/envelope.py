"""Zalo's answer envelope: errors come with HTTP 200 and a negative code."""
from flask import jsonify


class ApiError(Exception):
    """A Zalo error answer: `code` is the negative Zalo error code."""

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def success(data):
    """`{"error":0,"message":"Success","data":...}` with HTTP 200."""
    return jsonify({"error": 0, "message": "Success", "data": data})


def failure(code, message, http_status=200):
    """`{"error":<code>,"message":...}`, with HTTP 200 unless told otherwise, as Zalo does."""
    return jsonify({"error": code, "message": message}), http_status
