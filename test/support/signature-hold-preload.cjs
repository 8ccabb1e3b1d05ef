// Preloaded into a host under test (NODE_OPTIONS=--require …): while the file named by
// HOLD_SIGNATURES_FILE exists, every asynchronous crypto.sign (the RSA signatures jose makes on
// libuv's thread pool) waits, and they all go on once the file is gone. A test can then fill the
// signing slots and their queue exactly, whatever the machine's speed. Synchronous signatures and
// HMACs are never held.
const crypto = require('node:crypto');
const { existsSync } = require('node:fs');

const holdFile = process.env.HOLD_SIGNATURES_FILE;
const sign = crypto.sign;
const held = [];
let poll;

crypto.sign = function heldSign(algorithm, data, key, callback) {
  if (typeof callback !== 'function' || !holdFile || !existsSync(holdFile)) return sign.apply(this, arguments);
  held.push(() => sign.call(this, algorithm, data, key, callback));
  poll ??= setInterval(() => {
    if (existsSync(holdFile)) return;
    clearInterval(poll);
    poll = undefined;
    for (const run of held.splice(0)) run();
  }, 20);
};
