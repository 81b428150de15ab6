"""Where our copies live: a folder (MEDIA_DIR/evidence) or an S3-compatible bucket, behind one
small interface: put, read in chunks, delete."""
from pathlib import Path

CHUNK = 256 * 1024


class LocalStore:
    """Files under a folder; keys are relative paths."""

    def __init__(self, root):
        self.root = Path(root)

    def _path(self, key):
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"bad key {key!r}")
        return path

    def put(self, key, content, content_type):
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)

    def chunks(self, key):
        """The stored bytes, in chunks; FileNotFoundError when the key is unknown."""
        handle = self._path(key).open("rb")

        def read():
            with handle:
                while chunk := handle.read(CHUNK):
                    yield chunk
        return read()

    def delete(self, key):
        self._path(key).unlink(missing_ok=True)


class S3Store:
    """Objects in a bucket of an S3-compatible store (AWS, MinIO, Ceph, …) through boto3."""

    def __init__(self, bucket, endpoint_url=None, client=None):
        if client is None:
            import boto3  # only needed when a bucket is configured (the `s3` extra)

            client = boto3.client("s3", endpoint_url=endpoint_url or None)
        self.client, self.bucket = client, bucket

    def put(self, key, content, content_type):
        self.client.put_object(Bucket=self.bucket, Key=key, Body=content,
                               ContentType=content_type)

    def chunks(self, key):
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except self.client.exceptions.NoSuchKey:
            raise FileNotFoundError(key) from None
        return body.iter_chunks(CHUNK)

    def delete(self, key):
        self.client.delete_object(Bucket=self.bucket, Key=key)


_stores = {}


def make_store(config):
    """The store the settings name: an S3 bucket when MEDIA_S3_BUCKET is set, else a folder
    (one per process and settings: a boto3 client is worth keeping)."""
    key = (config.get("MEDIA_S3_BUCKET"), config.get("MEDIA_S3_ENDPOINT"), config["MEDIA_DIR"])
    if key not in _stores:
        _stores[key] = (S3Store(key[0], key[1]) if key[0]
                        else LocalStore(Path(key[2]) / "evidence"))
    return _stores[key]
