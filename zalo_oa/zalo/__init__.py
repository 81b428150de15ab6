"""Zalo Open API: signatures, the HTTP client, error codes and tokens. No Flask here."""
