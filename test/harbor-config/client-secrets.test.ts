/**
 * The Harbor API client's errors never carry a credential: not the admin password, not the Authorization header it
 * sends, not a request body (a registry endpoint's credential), whatever fails — an error answer in JSON or HTML,
 * a reset connection, a timeout, a refused connection, a TLS failure. The client says so (client.ts); this checks
 * it (secrets audit, 2026-12-01: no leak found, no test either).
 */
import * as assert from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { HarborClient } from "../../components/harbor-config/client";

const PASSWORD = "AdminPw-TOPSECRET-123";
const AUTH = Buffer.from(`admin:${PASSWORD}`).toString("base64");
const BODY_SECRET = "endpoint-credential-TOPSECRET-456";

describe("harbor-config: client errors carry no credential", function () {
  this.timeout(30000);
  let server: http.Server;
  let port = 0;
  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const p = req.url ?? "";
        if (p.includes("/json500")) {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ errors: [{ code: "INTERNAL", message: "boom" }] }));
        } else if (p.includes("/html400")) {
          res.writeHead(400, { "content-type": "text/html" });
          res.end("<html>bad request</html>");
        } else if (p.includes("/reset")) req.socket.destroy();
        else if (!p.includes("/slow")) {
          res.writeHead(404, { "content-type": "application/json" });
          res.end(JSON.stringify({ errors: [{ code: "NOT_FOUND", message: "nope" }] }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const client = (url = `http://127.0.0.1:${port}`) =>
    new HarborClient({
      url,
      username: "admin",
      password: PASSWORD,
      requestTimeoutMs: 300,
      totalTimeoutMs: 2000,
      maxAttempts: 2,
      baseDelayMs: 1,
      maxDelayMs: 2,
    });
  const credential = { credential: { type: "basic", access_key: "robot", access_secret: BODY_SECRET } };
  const cases: [string, () => Promise<unknown>][] = [
    [
      "500 with a JSON error",
      () => client().request({ method: "POST", path: "/registries/json500", body: credential }),
    ],
    [
      "400 with HTML",
      () => client().request({ method: "PUT", path: "/registries/html400", body: credential }),
    ],
    ["connection reset", () => client().request({ method: "GET", path: "/reset" })],
    ["timeout", () => client().request({ method: "GET", path: "/slow" })],
    ["connection refused", () => client("http://127.0.0.1:1").request({ method: "GET", path: "/x" })],
    [
      "TLS handshake with a plain-HTTP server",
      () => client(`https://127.0.0.1:${port}`).request({ method: "GET", path: "/x" }),
    ],
  ];
  for (const [name, call] of cases)
    it(name, async () => {
      let error: Error | undefined;
      try {
        await call();
      } catch (e) {
        error = e as Error;
      }
      assert.ok(error, "expected the request to fail");
      const seen = `${error.message}\n${error.stack ?? ""}\n${JSON.stringify(error)}\n${String(error)}`;
      for (const secret of [PASSWORD, AUTH, BODY_SECRET])
        assert.ok(!seen.includes(secret), `${name}: ${seen}`);
    });
});
