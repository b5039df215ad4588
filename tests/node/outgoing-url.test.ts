import { describe, expect, it } from "vitest";
import { outgoingUrlProblem } from "../../worker/alerts/outgoing-url";

const production = { allowLocal: false };
const local = { allowLocal: true };

describe("outgoing URL policy (alert channels)", () => {
  it("accepts https URLs on public hosts and addresses", () => {
    for (const url of [
      "https://ntfy.sh/wattboard-abc",
      "https://hooks.slack.com/services/T000/B000/XXXX",
      "https://discord.com/api/webhooks/1/abc",
      "https://ha.example.com:8123/api/webhook/power",
      "https://93.184.216.34/hook",
      "https://[2606:4700:4700::1111]/hook",
    ])
      expect(outgoingUrlProblem(url, production), url).toBeNull();
  });

  it("refuses other schemes, and http in production", () => {
    expect(outgoingUrlProblem("ftp://example.com/x", production)).toMatch(/http\(s\)/);
    expect(outgoingUrlProblem("file:///etc/passwd", local)).toMatch(/http\(s\)/);
    expect(outgoingUrlProblem("javascript:alert(1)", local)).toMatch(/http\(s\)/);
    expect(outgoingUrlProblem("not a url", production)).toMatch(/absolute/);
    expect(outgoingUrlProblem("http://example.com/hook", production)).toMatch(/https/);
    expect(outgoingUrlProblem("https://user:pass@example.com/hook", production)).toMatch(/password/);
  });

  it("refuses loopback, private, link-local, shared and unspecified addresses", () => {
    for (const host of [
      "127.0.0.1",
      "127.1.2.3",
      "10.0.0.5",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.10",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "[::1]",
      "[::]",
      "[fc00::1]",
      "[fd12:3456::1]",
      "[fe80::1]",
    ])
      expect(outgoingUrlProblem(`https://${host}/hook`, production), host).toMatch(/must not point at/);
    expect(outgoingUrlProblem("https://172.32.0.1/hook", production)).toBeNull();
    expect(outgoingUrlProblem("https://100.128.0.1/hook", production)).toBeNull();
  });

  it("refuses local names", () => {
    for (const host of ["localhost", "LOCALHOST.", "api.localhost", "printer.local", "db.internal", "nas"])
      expect(outgoingUrlProblem(`https://${host}/hook`, production), host).not.toBeNull();
  });

  it("refuses IP literals in odd forms: decimal, octal, hex, short, IPv4-mapped or NAT64 IPv6", () => {
    for (const host of [
      "2130706433",
      "0x7f000001",
      "0177.0.0.1",
      "0x7f.0.0.1",
      "127.1",
      "017700000001",
      "[::ffff:127.0.0.1]",
      "[::ffff:7f00:1]",
      "[::ffff:8.8.8.8]",
      "[::127.0.0.1]",
      "[64:ff9b::a00:1]",
    ])
      expect(outgoingUrlProblem(`https://${host}/hook`, production), host).toMatch(/unusual form|IPv4 address written as IPv6|loopback/);
  });

  it("allows http and local addresses when the local stack says so", () => {
    expect(outgoingUrlProblem("http://127.0.0.1:8080/hook", local)).toBeNull();
    expect(outgoingUrlProblem("http://localhost:8123/api/webhook/x", local)).toBeNull();
    expect(outgoingUrlProblem("http://192.168.1.5/hook", local)).toBeNull();
  });
});
