import Fastify from 'fastify';
import { userTokenRoute } from './user-token';

/** What a user would pick instead of this project's host: a minimal Fastify app serving the same token. */
const mint = userTokenRoute(process.env);
const app = Fastify();
app.get('/token', async (request, reply) => {
  const { status, headers, body } = mint((request.query as Record<string, unknown>).identity);
  return reply.code(status).headers(headers).send(body);
});
app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).catch((error) => {
  console.error(error);
  process.exit(1);
});
