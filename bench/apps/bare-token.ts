import { createServer } from 'node:http';
import { answerHeaders, corsHeaders, userTokenRoute } from './user-token';

/** The floor for cold start: a bare node:http server minting the same token, nothing else. */
const mint = userTokenRoute(process.env);
createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const { status, body } = mint(url.searchParams.get('identity') ?? undefined);
  const text = JSON.stringify(body);
  res.writeHead(status, { ...corsHeaders, ...answerHeaders, 'Content-Length': Buffer.byteLength(text) }).end(text);
}).listen(Number(process.env.PORT), '127.0.0.1');
