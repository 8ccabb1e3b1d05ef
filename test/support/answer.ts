/** What a test compares of a JSON answer: status, problem code, token, and the headers. */
export interface Answer {
  status: number;
  code: unknown;
  token: unknown;
  headers: Headers;
}

/**
 * One request, its JSON body read.
 *
 * @example expect(await answer(`${host.url}/token?identity=alice`)).toMatchObject({ status: 200 });
 */
export async function answer(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, code: body.code, token: body.token, headers: response.headers };
}
