// mock-gateway.mjs -- the official Wechaty puppet-service gateway (wechaty-puppet-service
// PuppetServer, TLS off) in front of the official wechaty-puppet-mock, scriptable over stdio
// for qunguan's interop tests (tests/interop/test_gateway_interop.py).
//
// Env: PORT (required), TOKEN (default insecure_qunguan_interop).
//
// stdout: one JSON object per line, always with a "type":
//   {"type":"ready","endpoint":...,"ids":{"bot":..,"alice":..,"bob":..,"carol":..,"dave":..,"room":..}}
//   {"type":"call","method":..,"args":[..],"result":..|"error":..}  every puppet call the gateway
//                                                                     makes for the remote bot
//   {"type":"event","event":..,"payload":..}                          puppet events
//   {"type":"ack","seq":..,"op":..,...} | {"type":"nack","seq":..,"error":..}  per stdin command
// stdin: one JSON command per line ("seq" is echoed back):
//   {"op":"say","from":"alice","text":"..","mentions":["bot"],"to":"room"|"<contact name>"}
//   {"op":"join","who":["dave"],"by":"bob"}        {"op":"leave","who":["carol"],"by":"carol"}
//   {"op":"topic","topic":"..","by":"carol"}       {"op":"nickname","who":"bob","alias":".."}
//   {"op":"fail","method":"roomDel","message":"..","code":7}   next call of method throws
//   {"op":"error","payload":{"gerror":".."}}        the puppet emits an 'error' event with this payload
//   {"op":"state"}                                 room members, topic, announcement
// Names are the cast: bot, alice, bob, carol, dave (dave starts outside the room).
//
// Additions to the stock PuppetMock, to make it observable (marked QG: below): kick really
// removes the member (room-leave follows); announcements are remembered; recall succeeds for
// known messages; sends return the new message id; group nicknames exist; 'ready' is emitted
// after login; scripted failures.
import readline from 'node:readline'
import { PuppetServer } from 'wechaty-puppet-service'
import { PuppetMock, mock } from 'wechaty-puppet-mock'

const PORT = process.env.PORT
const TOKEN = process.env.TOKEN || 'insecure_qunguan_interop'
if (!PORT) { console.error('PORT is required'); process.exit(2) }

const emit = obj => process.stdout.write(JSON.stringify(obj) + '\n')
const plain = v => {
  try { return v === undefined ? null : JSON.parse(JSON.stringify(v)) } catch { return String(v) }
}

const mocker = new mock.Mocker()
const state = { announce: new Map(), nickname: new Map(), failNext: new Map() }
const talkerOf = p => p.talkerId ?? p.fromId

class ObservableMock extends PuppetMock {
  // QG: make a kick observable (stock roomDel only logs)
  async roomDel (roomId, contactId) {
    await super.roomDel(roomId, contactId)
    const room = this.mocker.RoomMock.load(roomId)
    room.remove(this.mocker.ContactMock.load(contactId)).by(this.mocker.ContactMock.load(this.currentUserId))
  }

  // QG: remember announcements (stock: set is dropped, get is a constant)
  async roomAnnounce (roomId, text) {
    if (typeof text === 'string') { state.announce.set(roomId, text); return }
    return state.announce.get(roomId) ?? ''
  }

  // QG: recall succeeds for messages the mocker knows (stock: always false)
  async messageRecall (messageId) {
    await super.messageRecall(messageId)
    return this.mocker.cacheMessagePayload.has(messageId)
  }

  // QG: return the id of the message just sent (stock returns nothing; real puppets do)
  async messageSendText (conversationId, text, mentionIdList) {
    const before = new Set(this.mocker.cacheMessagePayload.keys())
    await super.messageSendText(conversationId, text, mentionIdList)
    return [...this.mocker.cacheMessagePayload.keys()].reverse()
      .find(id => !before.has(id) && talkerOf(this.mocker.cacheMessagePayload.get(id)) === this.currentUserId)
  }

  // QG: group nicknames (stock: none)
  async roomMemberRawPayload (roomId, contactId) {
    const raw = await super.roomMemberRawPayload(roomId, contactId)
    const alias = state.nickname.get(`${roomId}/${contactId}`)
    return alias ? { ...raw, roomAlias: alias } : raw
  }
}

const puppet = new ObservableMock({ mocker })

// Record every puppet call the gRPC server makes for the remote bot; apply scripted failures.
const RECORDED = ['messageSendText', 'messageSendFile', 'messageRecall', 'roomDel', 'roomAdd', 'roomQuit',
  'roomAnnounce', 'roomTopic', 'contactAlias', 'contactPayload', 'contactList', 'roomPayload', 'roomList',
  'roomMemberList', 'roomMemberPayload', 'messagePayload', 'messageImage', 'messageFile', 'messageUrl',
  'messageContact', 'messageMiniProgram', 'dirtyPayload', 'ding', 'start', 'stop', 'logout']
for (const name of RECORDED) {
  const orig = puppet[name]
  if (typeof orig !== 'function') continue
  puppet[name] = async function (...args) {
    const record = { type: 'call', method: name, args: plain(args) }
    try {
      const failure = state.failNext.get(name)
      if (failure) {
        state.failNext.delete(name)
        throw Object.assign(new Error(failure.message), failure.code ? { code: failure.code } : {})
      }
      const result = await orig.apply(this, args)
      record.result = plain(result)
      return result
    } catch (e) {
      record.error = String(e?.message ?? e)
      throw e
    } finally {
      emit(record)
    }
  }
}

for (const event of ['login', 'logout', 'ready', 'room-join', 'room-leave', 'room-topic', 'message']) {
  puppet.on(event, payload => emit({ type: 'event', event, payload: plain(payload) }))
}

const cast = {}
mocker.use(function qunguanInterop (m) {
  cast.bot = m.createContact({ name: 'QunguanBot' })
  cast.alice = m.createContact({ name: 'Alice' })
  cast.bob = m.createContact({ name: 'Bob' })
  cast.carol = m.createContact({ name: 'Carol Chen' })
  cast.dave = m.createContact({ name: 'Dave' })
  m.login(cast.bot)
  cast.room = m.createRoom({
    topic: 'Qunguan Interop Group',
    ownerId: cast.bot.id,
    adminIdList: [cast.bot.id],
    memberIdList: [cast.bot.id, cast.alice.id, cast.bob.id, cast.carol.id],
  })
  state.nickname.set(`${cast.room.id}/${cast.alice.id}`, '爱丽丝')
  // QG: real puppets emit 'ready' after login; the stock mock never does
  setTimeout(() => puppet.emit('ready', { data: 'ready' }), 100)
  return () => {}
})

const who = name => {
  const c = cast[name]
  if (!c || name === 'room') throw new Error(`unknown cast member: ${name}`)
  return c
}

const ops = {
  say (cmd) {
    const to = !cmd.to || cmd.to === 'room' ? cast.room : who(cmd.to)
    const before = new Set(mocker.cacheMessagePayload.keys())
    who(cmd.from).say(cmd.text, (cmd.mentions || []).map(who)).to(to)
    return { messageId: [...mocker.cacheMessagePayload.keys()].find(id => !before.has(id)) ?? null }
  },
  join (cmd) { cast.room.add(...[].concat(cmd.who).map(who)).by(who(cmd.by)); return {} },
  leave (cmd) { cast.room.remove(...[].concat(cmd.who).map(who)).by(who(cmd.by ?? [].concat(cmd.who)[0])); return {} },
  topic (cmd) { cast.room.topic(cmd.topic).by(who(cmd.by)); return {} },
  nickname (cmd) { state.nickname.set(`${cast.room.id}/${who(cmd.who).id}`, cmd.alias); return {} },
  fail (cmd) { state.failNext.set(cmd.method, { message: cmd.message, code: cmd.code }); return {} },
  // QG: error events as gateways relay them (1.x: {gerror}, 0.31: {}), straight to the stream
  error (cmd) { puppet.emit('error', cmd.payload ?? {}); return {} },
  state () {
    return {
      members: [...cast.room.payload.memberIdList],
      topic: cast.room.payload.topic,
      announcement: state.announce.get(cast.room.id) ?? null,
    }
  },
}

// Start the puppet (and so the mocker's cast) before serving, so 'ready' can name the ids;
// the gateway replays login/ready to each client that opens the event stream.
await puppet.start()
const server = new PuppetServer({ endpoint: `127.0.0.1:${PORT}`, puppet, token: TOKEN, tls: { disable: true } })
await server.start()
emit({
  type: 'ready',
  endpoint: `127.0.0.1:${PORT}`,
  token: TOKEN,
  ids: Object.fromEntries(Object.entries(cast).map(([k, v]) => [k, v.id])),
})

readline.createInterface({ input: process.stdin }).on('line', line => {
  if (!line.trim()) return
  let cmd
  try { cmd = JSON.parse(line) } catch (e) { emit({ type: 'nack', error: `bad json: ${e.message}` }); return }
  try {
    const op = ops[cmd.op]
    if (!op) throw new Error(`unknown op: ${cmd.op}`)
    emit({ type: 'ack', seq: cmd.seq ?? null, op: cmd.op, ...op(cmd) })
  } catch (e) {
    emit({ type: 'nack', seq: cmd.seq ?? null, op: cmd.op, error: String(e?.message ?? e) })
  }
}).on('close', () => shutdown('stdin closed'))

let stopping = false
async function shutdown (why) {
  if (stopping) return
  stopping = true
  emit({ type: 'bye', why })
  try { await Promise.race([server.stop(), new Promise(resolve => setTimeout(resolve, 2000))]) } catch {}
  process.exit(0)
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
