// Preloaded into twilio-run by `npm start`: twilio-run calls `app.listen(port)`, which listens on
// every interface, and has no option to change that. `npm start` is for development, so a server
// listening on a port alone binds HOST instead (default 127.0.0.1, this machine only).
const net = require('node:net');

const host = process.env.HOST || '127.0.0.1';
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnHost(...args) {
  if (typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function')) args.splice(1, 0, host);
  return listen.apply(this, args);
};
