"""A real SMTP server for aims' tests: aiosmtpd on 127.0.0.1, on a port the system picks.

Usage: smtp_sink.py FOLDER [LOGIN PASSWORD]

Each message accepted is written to FOLDER as one JSON file (envelope, headers, the plain text
body decoded, the login it was sent under, and the raw message), first under a temporary name
and then renamed, so a reader never sees half a file. With LOGIN and PASSWORD, AUTH is offered
over the plain connection and only that pair is accepted. Prints "ready PORT" once listening;
stops when its standard input closes (the test that started it ended, however it ended).
"""

import asyncio
import email
import email.policy
import itertools
import json
import logging
import os
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(message["from"] or ""),
            "to": str(message["to"] or ""),
            "subject": str(message["subject"] or ""),
            "text": body.get_content() if body is not None else "",
            "login": session.auth_data if session.authenticated else None,
            "raw": envelope.content.decode("utf-8", "replace"),
        }
        name = "%06d" % next(self.numbers)
        partial = os.path.join(self.folder, name + ".part")
        with open(partial, "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.rename(partial, os.path.join(self.folder, name + ".json"))
        return "250 Message accepted for delivery"


def authenticator_for(login, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = auth_data.login.decode() == login and auth_data.password.decode() == password
        # Only the login is kept: the password stays with the test that chose it.
        return AuthResult(success=ok, handled=False, auth_data=login if ok else None)

    return authenticate


async def main():
    # aiosmtpd warns of its own deprecated attribute on every sign-in; errors still show.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    folder = sys.argv[1]
    options = {"hostname": "localhost"}
    if len(sys.argv) == 4:
        options["authenticator"] = authenticator_for(sys.argv[2], sys.argv[3])
        options["auth_require_tls"] = False
    loop = asyncio.get_running_loop()
    sink = Sink(folder)  # one for every connection, so that files are numbered across them
    server = await loop.create_server(
        lambda: SMTP(sink, loop=loop, **options), "127.0.0.1", 0
    )
    print("ready %d" % server.sockets[0].getsockname()[1], flush=True)
    # Ends with the test: its end closes our standard input.
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
