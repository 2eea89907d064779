#!/usr/bin/env python3
"""What the multi-node drill's nodes send out, received and written down: an SMTP server that
accepts every mail and appends its Message-ID to MAIL_LOG, and a webhook receiver that checks
each delivery's Fengqiao-Signature (docs/integration.md) and appends "case_id seq verified" to
HOOK_LOG. The drill counts those lines against the database: every mail and every delivery
once, none twice. Standard library only; 127.0.0.1 only.

    sink.py SMTP_PORT HTTP_PORT MAIL_LOG HOOK_LOG SECRET_FILE

SECRET_FILE is read on each delivery (the endpoint's secret is known only once it is
registered, after the sink has started); until it exists, deliveries are refused with 503.
"""
import asyncio
import hashlib
import hmac
import json
import sys
import time


def append(path, line):
    with open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")


async def smtp(reader, writer, mail_log):
    """Just enough SMTP for lettre: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def say(line):
        writer.write((line + "\r\n").encode())

    say("220 sink ESMTP")
    await writer.drain()
    while True:
        line = await reader.readline()
        if not line:
            break
        verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
        if verb in ("EHLO", "HELO"):
            say("250-sink")
            say("250 8BITMIME")
        elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
            say("250 ok")
        elif verb == "DATA":
            say("354 go ahead")
            await writer.drain()
            message_id = None
            while True:
                data = await reader.readline()
                if not data or data in (b".\r\n", b".\n"):
                    break
                text = data.decode(errors="replace")
                if message_id is None and text.lower().startswith("message-id:"):
                    message_id = text.split(":", 1)[1].strip()
            append(mail_log, message_id or "(no message-id)")
            say("250 queued")
        elif verb == "QUIT":
            say("221 bye")
            await writer.drain()
            break
        else:
            say("502 not here")
        await writer.drain()
    writer.close()


async def http(reader, writer, hook_log, secret_file):
    """One POST per connection or several (keep-alive), each answered 200 once logged."""
    try:
        while True:
            request = await reader.readline()
            if not request:
                break
            headers = {}
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode(errors="replace").partition(":")
                headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            try:
                with open(secret_file, encoding="utf-8") as f:
                    secret = f.read().strip()
            except FileNotFoundError:
                secret = None
            if secret is None:
                status = "503 Service Unavailable"
            else:
                parts = dict(
                    p.split("=", 1) for p in headers.get("fengqiao-signature", "").split(",") if "=" in p
                )
                expected = hmac.new(
                    secret.encode(), parts.get("t", "").encode() + b"." + body, hashlib.sha256
                ).hexdigest()
                fresh = parts.get("t", "").isdigit() and abs(time.time() - int(parts["t"])) <= 300
                verified = fresh and hmac.compare_digest(expected, parts.get("v1", ""))
                event = json.loads(body)
                append(hook_log, f'{event["case"]["id"]} {event["seq"]} {"verified" if verified else "BAD"}')
                status = "200 OK"
            writer.write(f"HTTP/1.1 {status}\r\ncontent-length: 0\r\n\r\n".encode())
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionResetError):
        pass
    writer.close()


async def main():
    smtp_port, http_port, mail_log, hook_log, secret_file = sys.argv[1:6]
    s = await asyncio.start_server(lambda r, w: smtp(r, w, mail_log), "127.0.0.1", int(smtp_port))
    h = await asyncio.start_server(
        lambda r, w: http(r, w, hook_log, secret_file), "127.0.0.1", int(http_port)
    )
    async with s, h:
        await asyncio.gather(s.serve_forever(), h.serve_forever())


if __name__ == "__main__":
    asyncio.run(main())
