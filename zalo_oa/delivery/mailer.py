"""E-mail for staff reminders when their Zalo window is closed: one SMTP message per call."""
import smtplib
import ssl
from email.message import EmailMessage


class MailError(RuntimeError):
    """The SMTP server refused or could not be reached."""


def configured(config):
    """True when an SMTP server is set (ZALO_OA_SMTP_HOST)."""
    return bool(config.get("SMTP_HOST"))


def compose(sender, to, text):
    """An e-mail whose subject is the message's first line and whose body is the message."""
    message = EmailMessage()
    message["From"], message["To"] = sender, to
    message["Subject"] = (text.strip().splitlines() or [""])[0][:150]
    message.set_content(text)
    return message


def send(config, to, text):
    """Send `text` to `to` through the configured server; raise MailError on failure."""
    security = (config.get("SMTP_SECURITY") or "starttls").lower()
    host, port = config["SMTP_HOST"], int(config.get("SMTP_PORT") or 587)
    timeout = float(config.get("ZALO_HTTP_TIMEOUT") or 10)
    message = compose(config.get("SMTP_FROM") or config.get("SMTP_USER") or "zalo-oa@localhost",
                      to, text)
    try:
        if security == "ssl":
            server = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                      context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            if security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if config.get("SMTP_USER"):
                server.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"{type(exc).__name__}: {exc}") from exc
