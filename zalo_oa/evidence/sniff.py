"""What a file is, read from its first bytes (never its name or URL), and how large each kind
may be. Pure."""
from ..media import image_kind

LIMITS = {"image": 15 * 1024 * 1024, "audio": 20 * 1024 * 1024, "video": 50 * 1024 * 1024}
IMAGE_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif",
               "webp": "image/webp"}
# ISO base media ("ftyp") brands that hold sound only.
AUDIO_BRANDS = (b"M4A ", b"M4B ", b"F4A ")


def identify(content):
    """(kind, extension, content type) of the bytes, or None when they are none we keep."""
    found = image_kind(content)
    if found:
        return "image", found, IMAGE_TYPES[found]
    head = content[:16]
    if head.startswith(b"#!AMR"):
        return "audio", "amr", "audio/amr"
    if head.startswith(b"OggS"):
        return "audio", "ogg", "audio/ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio", "wav", "audio/wav"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio", "mp3", "audio/mpeg"
    if head[:2] in (b"\xff\xf1", b"\xff\xf9"):
        return "audio", "aac", "audio/aac"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in AUDIO_BRANDS:
            return "audio", "m4a", "audio/mp4"
        if brand.startswith(b"3g"):
            return "video", "3gp", "video/3gpp"
        if brand == b"qt  ":
            return "video", "mov", "video/quicktime"
        return "video", "mp4", "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video", "webm", "video/webm"
    return None


def limit(kind, overall):
    """The most bytes a file of `kind` may have (never more than the setting `overall`)."""
    return min(LIMITS.get(kind, overall), overall)
