/** Shared setup of the harbor-config tests: a started fake Harbor per test and connections to it. */
import { ClientHooks, HarborClient, HarborConnection } from "../../../components/harbor-config/client";
import { FakeHarbor } from "./fake-harbor";
import { testPki } from "./tls";

/** Short timeouts and backoff so fault tests run in milliseconds. */
export const FAST = {
  requestTimeoutMs: 400,
  totalTimeoutMs: 8000,
  maxAttempts: 6,
  baseDelayMs: 5,
  maxDelayMs: 50,
};

export async function startFake(): Promise<FakeHarbor> {
  const pki = testPki();
  return new FakeHarbor({ key: pki.serverKeyPem, cert: pki.serverCertPem }).start();
}

export function connOf(fake: FakeHarbor, overrides: Partial<HarborConnection> = {}): HarborConnection {
  return {
    url: fake.url,
    username: fake.username,
    password: fake.password,
    caPem: testPki().caPem,
    ...FAST,
    ...overrides,
  };
}

export function clientOf(
  fake: FakeHarbor,
  overrides: Partial<HarborConnection> = {},
  hooks?: ClientHooks,
): HarborClient {
  return new HarborClient(connOf(fake, overrides), hooks);
}

/** Runs `fn` and returns what it threw (fails when it does not throw). */
export async function rejection(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}
