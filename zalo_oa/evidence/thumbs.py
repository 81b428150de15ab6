"""Thumbnails of photos (Pillow): the image is decoded in full first, so a file that only
starts like an image is refused."""
import io

from PIL import Image, ImageOps, UnidentifiedImageError

SIZE = (320, 320)
MAX_PIXELS = 60_000_000  # a "decompression bomb" past this is refused, not decoded


class NotAnImage(ValueError):
    """The bytes do not decode as an image."""


def thumbnail(content):
    """A JPEG of at most SIZE, turned the way the camera held it."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise NotAnImage("too many pixels")
            image.load()
            small = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise NotAnImage(str(exc) or type(exc).__name__) from None
    small.thumbnail(SIZE)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()
