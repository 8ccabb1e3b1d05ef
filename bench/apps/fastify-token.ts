import Fastify from 'fastify';
import { answerHeaders, corsHeaders, userTokenRoute } from './user-token';

/** The least a user would write with Fastify: the same token and headers, no limits, no log. */
const mint = userTokenRoute(process.env);
const app = Fastify();
app.get('/token', async (request, reply) => {
  const { status, body } = mint((request.query as Record<string, unknown>).identity);
  return reply.code(status).headers({ ...corsHeaders, ...answerHeaders }).send(body);
});
app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).catch((error) => {
  console.error(error);
  process.exit(1);
});
