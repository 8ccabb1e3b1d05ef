import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import { answerHeaders, userTokenRoute } from './user-token';

/**
 * What a user would put in production with Fastify instead of this project: @fastify/cors,
 * @fastify/rate-limit in memory per client address and per identity (the limits `/token` counts,
 * from the same variables), Fastify's pino request log on stdout, and the same token.
 */
async function main(): Promise<void> {
  const mint = userTokenRoute(process.env);
  const app = Fastify({ logger: true });
  await app.register(cors, { origin: '*' });
  await app.register(rateLimit, { max: Number(process.env.RATE_LIMIT_IP), timeWindow: '1 minute' });
  const perIdentity = app.rateLimit({
    max: Number(process.env.RATE_LIMIT_IDENTITY), timeWindow: '1 minute',
    keyGenerator: (request) => String((request.query as Record<string, unknown>).identity),
  });
  app.get('/token', { preHandler: perIdentity }, async (request, reply) => {
    const { status, body } = mint((request.query as Record<string, unknown>).identity);
    return reply.code(status).headers(answerHeaders).send(body);
  });
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
