// The baseline peer for tools/bench/discord_bench.sh: an interactions endpoint
// built the way Discord's official example app is (Express 4 with
// discord-interactions' verifyKeyMiddleware, which verifies the Ed25519
// signature, answers PING itself and parses the body). Every application
// command is answered the way the example app answers /test, inline and
// without storing anything, so the peer does less work than kraken serve,
// which appends each change durably before it replies.
//
//   PUBLIC_KEY=<64 hex> PORT=3000 node server.js
import express from 'express';
import {
  InteractionResponseFlags,
  InteractionResponseType,
  InteractionType,
  MessageComponentTypes,
  verifyKeyMiddleware,
} from 'discord-interactions';

const PUBLIC_KEY = process.env.PUBLIC_KEY;
const PORT = Number(process.env.PORT || 3000);
if (!/^[0-9a-fA-F]{64}$/.test(PUBLIC_KEY || '')) {
  console.error('PUBLIC_KEY must be the 64 hex digits of an Ed25519 public key');
  process.exit(2);
}

const app = express();

app.post('/interactions', verifyKeyMiddleware(PUBLIC_KEY), (req, res) => {
  const { type, data } = req.body;
  if (type === InteractionType.APPLICATION_COMMAND) {
    return res.send({
      type: InteractionResponseType.CHANNEL_MESSAGE_WITH_SOURCE,
      data: {
        flags: InteractionResponseFlags.IS_COMPONENTS_V2,
        components: [{ type: MessageComponentTypes.TEXT_DISPLAY, content: `hello from /${data.name}` }],
      },
    });
  }
  return res.status(400).json({ error: 'unknown interaction type' });
});

app.get('/healthz', (req, res) => res.send('ok'));

// Loopback only: this is a benchmark baseline, not a bot.
app.listen(PORT, '127.0.0.1', () => {
  console.log(`discord peer listening on 127.0.0.1:${PORT}`);
});
