"""Smoke-test flows of the official Python SDKs against the emulator (scripts/sdk-check.sh).

Each client is built with its default constructor; the only set-up is the environment:
HTTPS_PROXY names the emulator, REQUESTS_CA_BUNDLE (twilio, through requests) and
SSL_CERT_FILE (telnyx, through httpx with trust_env) name the emulator's CA. Requests go to
the real vendor hosts (notify.twilio.com, api.telnyx.com, ...) and the emulator answers them.

Usage: python flows.py FLOW  with FLOW one of the names in FLOWS; needs TWILIO_ACCOUNT_SID,
TWILIO_AUTH_TOKEN and TELNYX_API_KEY. Exits non-zero (with the reason) when a step fails.
"""

import sys
import os


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def twilio_client():
    from twilio.rest import Client

    return Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])


def twilio_flow(credentials):
    """Create, fetch, list over two pages, update, delete, then 404 on the deleted one.

    Notify v1, Chat v2 and Conversations v1 share one store per account, so the flows run one
    after the other and each deletes what it created. (No Twilio SDK has the Comms v1 push
    credentials API, so it has no flow here.)
    """
    from twilio.base.exceptions import TwilioRestException

    a = credentials.create(type="fcm", secret="sdk-secret-a", friendly_name="sdk-a")
    b = credentials.create(type="fcm", secret="sdk-secret-b", friendly_name="sdk-b")
    try:
        expect(a.sid.startswith("CR") and a.sid != b.sid, f"sids {a.sid} {b.sid}")
        expect(a.friendly_name == "sdk-a" and a.type == "fcm", f"create echoed {a.friendly_name} {a.type}")
        got = credentials(a.sid).fetch()
        expect(got.sid == a.sid and got.friendly_name == "sdk-a", f"fetch gave {got.sid}")
        # page_size=1: the SDK follows next_page_url itself to reach the second credential.
        first = credentials.page(page_size=1)
        expect(len(list(first)) == 1, "first page does not hold one credential")
        second = first.next_page()
        expect(second is not None and len(list(second)) == 1, "no second page of one")
        listed = [c.sid for c in credentials.stream(page_size=1)]
        expect(sorted(listed) == sorted([a.sid, b.sid]), f"listed {listed}")
        upd = credentials(a.sid).update(friendly_name="sdk-a-renamed")
        expect(upd.friendly_name == "sdk-a-renamed", f"update gave {upd.friendly_name}")
        expect(credentials(a.sid).fetch().friendly_name == "sdk-a-renamed", "update not kept")
        expect(credentials(a.sid).delete() is True, "delete did not return True")
        try:
            credentials(a.sid).fetch()
            raise AssertionError("fetch after delete succeeded")
        except TwilioRestException as e:
            expect(e.status == 404 and e.code == 20404, f"error {e.status} {e.code}")
    finally:
        for sid in (a.sid, b.sid):
            try:
                credentials(sid).delete()
            except TwilioRestException:
                pass


def telnyx_client():
    import telnyx

    return telnyx.Telnyx(api_key=os.environ["TELNYX_API_KEY"])


def telnyx_telephony():
    import telnyx

    creds = telnyx_client().telephony_credentials
    a = creds.create(connection_id="1234567890", name="sdk-a", tag="sdk").data
    b = creds.create(connection_id="1234567890", name="sdk-b", tag="sdk").data
    try:
        telephony_steps(creds, a, b)
    finally:
        cleanup(creds, a.id, b.id)


def cleanup(creds, *ids):
    import telnyx

    for i in ids:
        try:
            creds.delete(i)
        except telnyx.NotFoundError:
            pass


def telephony_steps(creds, a, b):
    import telnyx

    expect(a.id != b.id and a.name == "sdk-a", f"create gave {a}")
    got = creds.retrieve(a.id).data
    expect(got.id == a.id and got.name == "sdk-a", f"retrieve gave {got.id}")
    first = creds.list(page_size=1)
    expect(len(first.data) == 1 and first.has_next_page(), "first page")
    listed = [c.id for c in creds.list(page_size=1)]  # auto-paging across pages
    expect(sorted(listed) == sorted([a.id, b.id]), f"listed {listed}")
    upd = creds.update(a.id, name="sdk-a-renamed").data
    expect(upd.name == "sdk-a-renamed" and upd.id == a.id, f"update gave {upd.name}")
    creds.delete(a.id)
    creds.delete(b.id)
    try:
        creds.retrieve(a.id)
        raise AssertionError("retrieve after delete succeeded")
    except telnyx.NotFoundError as e:
        expect(e.status_code == 404, f"status {e.status_code}")


def telnyx_mobile_push():
    import telnyx

    creds = telnyx_client().mobile_push_credentials
    # Material: an FCM service-account object. The emulator's vendor profile checks its shape
    # only as credspec's own lint (a Credspec-Lint header), as Telnyx accepts it.
    account = {
        "type": "service_account",
        "project_id": "credspec-sdk",
        "client_email": "sdk@credspec-sdk.iam.gserviceaccount.com",
    }
    made = []
    for alias in ("sdk-a", "sdk-b"):
        r = creds.create(
            create_mobile_push_credential_request={
                "type": "android",
                "alias": alias,
                "project_account_json_file": account,
            }
        ).data
        made.append(r)
    a, b = made
    try:
        mobile_push_steps(creds, a, b)
    finally:
        cleanup(creds, a.id, b.id)


def mobile_push_steps(creds, a, b):
    import telnyx

    expect(a.id != b.id and a.alias == "sdk-a", f"create gave {a}")
    got = creds.retrieve(a.id).data
    expect(got.id == a.id and got.alias == "sdk-a", f"retrieve gave {got.id}")
    first = creds.list(page_size=1)
    expect(len(first.data) == 1 and first.has_next_page(), "first page")
    listed = [c.id for c in creds.list(page_size=1)]
    expect(sorted(listed) == sorted([a.id, b.id]), f"listed {listed}")
    # No update operation in this API.
    creds.delete(a.id)
    creds.delete(b.id)
    try:
        creds.create(create_mobile_push_credential_request={"type": "android", "alias": "sdk-bad"})
        raise AssertionError("create without material succeeded")
    except telnyx.APIStatusError as e:
        expect(e.status_code in (400, 422), f"status {e.status_code}")


FLOWS = {
    "twilio-notify-v1": lambda: twilio_flow(twilio_client().notify.v1.credentials),
    "twilio-chat-v2": lambda: twilio_flow(twilio_client().chat.v2.credentials),
    "twilio-conversations-v1": lambda: twilio_flow(twilio_client().conversations.v1.credentials),
    "telnyx-telephony-credentials": telnyx_telephony,
    "telnyx-mobile-push-credentials": telnyx_mobile_push,
}

if __name__ == "__main__":
    FLOWS[sys.argv[1]]()
