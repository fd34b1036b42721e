// Smoke-test flows of the official Node SDKs against the emulator (scripts/sdk-check.sh).
//
// twilio (npm 6.x) is built with its default constructor; its RequestClient reads only
// HTTP_PROXY (not HTTPS_PROXY) and sends https requests through it with CONNECT, and Node
// trusts the emulator's CA through NODE_EXTRA_CA_CERTS. telnyx (npm 7.x) uses the global
// fetch, which ignores proxy variables, so it gets its documented `baseURL` option, the
// emulator's plain-HTTP Telnyx prefix: http://127.0.0.1:PORT/telnyx/v2 (CREDSPEC_TELNYX_BASE_URL).
//
// Usage: node flows.js FLOW, FLOW a key of FLOWS; needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN,
// TELNYX_API_KEY and CREDSPEC_TELNYX_BASE_URL. Exits non-zero (with the reason) on a failure.
'use strict';

function expect(cond, what) {
  if (!cond) throw new Error(what);
}

function twilioClient() {
  const twilio = require('twilio');
  return twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN);
}

// Create, fetch, list over two pages, update, delete, then 404 on the deleted one.
// Notify v1, Chat v2 and Conversations v1 share one store per account, so the flows run one
// after the other and each deletes what it created. (No Twilio SDK has the Comms v1 push
// credentials API, so it has no flow here.)
async function twilioFlow(credentials) {
  const a = await credentials.create({ type: 'fcm', secret: 'sdk-secret-a', friendlyName: 'sdk-a' });
  const b = await credentials.create({ type: 'fcm', secret: 'sdk-secret-b', friendlyName: 'sdk-b' });
  try {
    expect(a.sid.startsWith('CR') && a.sid !== b.sid, `sids ${a.sid} ${b.sid}`);
    expect(a.friendlyName === 'sdk-a' && a.type === 'fcm', `create echoed ${a.friendlyName} ${a.type}`);
    const got = await credentials(a.sid).fetch();
    expect(got.sid === a.sid && got.friendlyName === 'sdk-a', `fetch gave ${got.sid}`);
    // pageSize 1: the SDK follows next_page_url itself to reach the second credential.
    const first = await credentials.page({ pageSize: 1 });
    expect(first.instances.length === 1, 'first page does not hold one credential');
    const second = await first.nextPage();
    expect(second && second.instances.length === 1, 'no second page of one');
    const listed = (await credentials.list({ pageSize: 1 })).map((c) => c.sid);
    expect(JSON.stringify(listed.sort()) === JSON.stringify([a.sid, b.sid].sort()), `listed ${listed}`);
    const upd = await credentials(a.sid).update({ friendlyName: 'sdk-a-renamed' });
    expect(upd.friendlyName === 'sdk-a-renamed', `update gave ${upd.friendlyName}`);
    expect((await credentials(a.sid).remove()) === true, 'remove did not return true');
    try {
      await credentials(a.sid).fetch();
      throw new Error('fetch after delete succeeded');
    } catch (e) {
      expect(e.status === 404 && e.code === 20404, `error ${e.status} ${e.code}: ${e.message}`);
    }
  } finally {
    for (const sid of [a.sid, b.sid]) {
      await credentials(sid).remove().catch(() => {});
    }
  }
}

function telnyxClient() {
  const Telnyx = require('telnyx');
  return new Telnyx({ apiKey: process.env.TELNYX_API_KEY, baseURL: process.env.CREDSPEC_TELNYX_BASE_URL });
}

async function listAll(creds) {
  const first = await creds.list({ 'page[size]': 1 });
  expect(first.data.length === 1 && first.hasNextPage(), 'first page');
  const ids = [];
  for await (const c of creds.list({ 'page[size]': 1 })) ids.push(c.id); // auto-paging
  return ids.sort();
}

async function telnyxTelephony() {
  const Telnyx = require('telnyx');
  const creds = telnyxClient().telephonyCredentials;
  const a = (await creds.create({ connection_id: '1234567890', name: 'sdk-a' })).data;
  const b = (await creds.create({ connection_id: '1234567890', name: 'sdk-b' })).data;
  try {
    expect(a.id !== b.id && a.name === 'sdk-a', `create gave ${JSON.stringify(a)}`);
    const got = (await creds.retrieve(a.id)).data;
    expect(got.id === a.id && got.name === 'sdk-a', `retrieve gave ${got.id}`);
    const listed = await listAll(creds);
    expect(JSON.stringify(listed) === JSON.stringify([a.id, b.id].sort()), `listed ${listed}`);
    const upd = (await creds.update(a.id, { name: 'sdk-a-renamed' })).data;
    expect(upd.id === a.id && upd.name === 'sdk-a-renamed', `update gave ${upd.name}`);
    await creds.delete(a.id);
    try {
      await creds.retrieve(a.id);
      throw new Error('retrieve after delete succeeded');
    } catch (e) {
      expect(e instanceof Telnyx.NotFoundError && e.status === 404, `error ${e.status}: ${e.message}`);
    }
  } finally {
    for (const id of [a.id, b.id]) await creds.delete(id).catch(() => {});
  }
}

async function telnyxMobilePush() {
  const Telnyx = require('telnyx');
  const creds = telnyxClient().mobilePushCredentials;
  // Material: an FCM service-account object. The emulator's vendor profile checks its shape
  // only as credspec's own lint (a Credspec-Lint header), as Telnyx accepts it.
  const account = {
    type: 'service_account',
    project_id: 'credspec-sdk',
    client_email: 'sdk@credspec-sdk.iam.gserviceaccount.com',
  };
  const make = async (alias) =>
    (await creds.create({
      createMobilePushCredentialRequest: { type: 'android', alias, project_account_json_file: account },
    })).data;
  const a = await make('sdk-a');
  const b = await make('sdk-b');
  try {
    expect(a.id !== b.id && a.alias === 'sdk-a', `create gave ${JSON.stringify(a)}`);
    const got = (await creds.retrieve(a.id)).data;
    expect(got.id === a.id && got.alias === 'sdk-a', `retrieve gave ${got.id}`);
    const listed = await listAll(creds);
    expect(JSON.stringify(listed) === JSON.stringify([a.id, b.id].sort()), `listed ${listed}`);
    // No update operation in this API.
    await creds.delete(a.id);
    try {
      await creds.create({ createMobilePushCredentialRequest: { type: 'android', alias: 'sdk-bad' } });
      throw new Error('create without material succeeded');
    } catch (e) {
      expect(e instanceof Telnyx.APIError && [400, 422].includes(e.status), `error ${e.status}: ${e.message}`);
    }
  } finally {
    for (const id of [a.id, b.id]) await creds.delete(id).catch(() => {});
  }
}

const FLOWS = {
  'twilio-notify-v1': () => twilioFlow(twilioClient().notify.v1.credentials),
  'twilio-chat-v2': () => twilioFlow(twilioClient().chat.v2.credentials),
  'twilio-conversations-v1': () => twilioFlow(twilioClient().conversations.v1.credentials),
  'telnyx-telephony-credentials': telnyxTelephony,
  'telnyx-mobile-push-credentials': telnyxMobilePush,
};

FLOWS[process.argv[2]]().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
