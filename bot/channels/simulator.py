"""Forms exactly as Twilio posts them, for trying the gateway without a Twilio account.

Used by `flask --app webhook simulate` and the benchmark. The values a real
account would fill in (AccountSid) are obviously fake.
"""

from __future__ import annotations

import uuid

from bot.channels.twilio import SMS, WHATSAPP, address

FAKE_ACCOUNT_SID = "AC" + "0" * 32


def new_sid(prefix: str = "SM") -> str:
    return prefix + uuid.uuid4().hex


def inbound_form(
    sender: str, recipient: str, body: str, channel: str = SMS,
    media: list[tuple[str, str]] = (), sid: str | None = None,
) -> dict[str, str]:
    sid = sid or new_sid("MM" if media else "SM")
    form = {
        "ToCountry": "US", "ToState": "", "SmsMessageSid": sid, "NumMedia": str(len(media)),
        "ToCity": "", "FromZip": "", "SmsSid": sid, "FromState": "", "SmsStatus": "received",
        "FromCity": "", "Body": body, "FromCountry": "", "To": address(channel, recipient),
        "ToZip": "", "NumSegments": "1", "MessageSid": sid, "AccountSid": FAKE_ACCOUNT_SID,
        "From": address(channel, sender), "ApiVersion": "2010-04-01",
    }
    if channel == WHATSAPP:
        form.update({"WaId": sender.lstrip("+"), "ProfileName": "Simulated migrant",
                     "MessageType": "image" if media else "text", "SmsStatus": "received"})
        for key in ("ToCountry", "ToState", "ToCity", "FromZip", "FromState", "FromCity",
                    "FromCountry", "ToZip"):
            form.pop(key)
    for i, (url, content_type) in enumerate(media):
        form[f"MediaUrl{i}"] = url
        form[f"MediaContentType{i}"] = content_type
    return form
