using System.Net;
using System.Net.Sockets;
using System.Text;
using Slipway.Core.Probes;
using Slipway.Supervisor.Health;
using Slipway.Supervisor.Http;
using Slipway.Supervisor.Native;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Tests.Extras;

public sealed class HealthAndMetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Healthy_after_a_success_unhealthy_after_retries_failures_in_a_row()
    {
        var t = new HealthTracker(retries: 3);
        t.Healthy.ShouldBeNull();
        t.Describe().ShouldBe("starting (health check pending)");
        t.Record("connection refused").ShouldBe(HealthChange.None);
        t.Describe().ShouldBe("health check failing (1/3): connection refused");
        t.Record(null).ShouldBe(HealthChange.BecameHealthy);
        t.Describe().ShouldBe("healthy");
        t.Record("HTTP 503").ShouldBe(HealthChange.None);
        t.Record("HTTP 503").ShouldBe(HealthChange.None);
        t.Healthy.ShouldBe(true);
        t.Record("HTTP 503").ShouldBe(HealthChange.BecameUnhealthy);
        t.Record("HTTP 503").ShouldBe(HealthChange.None); // reported once
        t.Describe().ShouldBe("unhealthy: HTTP 503");
        t.FailedChecks.ShouldBe(5);
        t.Reset();
        t.Healthy.ShouldBeNull();
        t.FailedChecks.ShouldBe(5);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\n", null)]
    [InlineData("HTTP/1.0 302 Found\r\n", null)]
    [InlineData("HTTP/1.1 503 Service Unavailable\r\n", "HTTP 503")]
    [InlineData("SSH-2.0-OpenSSH\r\n", "no HTTP status line")]
    [InlineData("", "no HTTP status line")]
    public void Http_status_lines(string response, string? problem) =>
        HealthProbe.Judge(Encoding.ASCII.GetBytes(response), expect: null, contains: null).Error.ShouldBe(problem);

    [Theory]
    [InlineData(200, null, null)]
    [InlineData(302, null, null)]
    [InlineData(404, null, "HTTP 404")]
    [InlineData(302, 200, "HTTP 302, expected 200")]
    [InlineData(503, 503, null)]
    public void Any_2xx_or_3xx_is_healthy_unless_a_status_is_expected(int status, int? expect, string? problem) =>
        HealthProbe.StatusProblem(status, expect).ShouldBe(problem);

    private static async Task<string?> HttpAsync(string url) =>
        (await HealthProbe.HttpAsync(new Uri(url), expect: null, contains: null, TimeSpan.FromSeconds(5), verifyCertificate: false, Ct)).Error;

    private static async Task<string?> TcpAsync(string address)
    {
        var (host, port) = HealthProbe.SplitHostPort(address)!.Value;
        return (await HealthProbe.TcpAsync(host, port, TimeSpan.FromSeconds(5), Ct)).Error;
    }

    [Fact]
    public async Task Tcp_and_http_probes_against_a_real_listener()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var served = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                using var client = await listener.AcceptTcpClientAsync(Ct);
                var stream = client.GetStream();
                var buffer = new byte[1024];
                var request = Encoding.ASCII.GetString(buffer, 0, await stream.ReadAsync(buffer, Ct));
                var status = request.StartsWith("GET /ok ", StringComparison.Ordinal) ? "200 OK" : "500 Oops";
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n"), Ct);
            }
        }, Ct);
        (await HttpAsync($"http://127.0.0.1:{port}/ok")).ShouldBeNull();
        (await HttpAsync($"http://127.0.0.1:{port}/bad")).ShouldBe("HTTP 500");
        await served;
        (await TcpAsync($"127.0.0.1:{port}")).ShouldBeNull();
        listener.Stop();

        // A port bound but never listening: connections to it are refused, and, unlike the port just freed, no other
        // test running meanwhile can start listening on it (seen once in CI: the freed port was taken and answered).
        using var closed = new Socket(AddressFamily.InterNetwork,
            SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        (await TcpAsync($"127.0.0.1:{((IPEndPoint)closed.LocalEndPoint!).Port}")).ShouldBe("connection refused");
    }

    [Fact]
    public async Task Https_probe_accepts_a_self_signed_certificate_and_fails_on_a_plain_http_port()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // SslStream on Linux wants a certificate whose private key it can export: round-trip through PKCS#12.
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(ephemeral.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12), null);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var served = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                using var client = await listener.AcceptTcpClientAsync(Ct);
                await using var tls = new System.Net.Security.SslStream(client.GetStream());
                await tls.AuthenticateAsServerAsync(certificate);
                var buffer = new byte[1024];
                var text = Encoding.ASCII.GetString(buffer, 0, await tls.ReadAsync(buffer, Ct));
                var status = text.StartsWith("GET /ok ", StringComparison.Ordinal) ? "204 No Content" : "503 Unavailable";
                await tls.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n"), Ct);
            }
        }, Ct);
        (await HttpAsync($"https://127.0.0.1:{port}/ok")).ShouldBeNull();
        (await HttpAsync($"https://127.0.0.1:{port}/down")).ShouldBe("HTTP 503");
        await served;

        // An https:// check pointed at a plain-HTTP server fails as a handshake, not as a hang or a crash.
        var plain = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync(Ct);
            var stream = client.GetStream();
            await stream.WriteAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), Ct);
        }, Ct);
        (await HttpAsync($"https://127.0.0.1:{port}/ok")).ShouldStartWith("TLS handshake failed");
        await plain;
    }

    [Fact]
    public void Metrics_render_in_prometheus_text_format()
    {
        var text = Metrics.Render(new DaemonSample(true, 1000, 12.5, 3, 40, Forwarding: true) { LogDroppedBytes = 7 }, [
            new ProcessSample("web", "web_0", ProcessState.Running, 61.25, 3, 4096, true, 2, true),
            new ProcessSample("odd\"grp", "x\\y", ProcessState.Fatal, 0, 4, null, null, 0, false),
        ]);
        text.ShouldContain("# HELP supervisor_process_state supervisord state code");
        text.ShouldContain("# TYPE supervisor_process_state gauge\n");
        text.ShouldContain("supervisor_up 1\n");
        text.ShouldContain("supervisor_resident_memory_bytes 1000\n");
        text.ShouldContain("supervisor_log_forward_dropped_total 3\n");
        text.ShouldContain("# TYPE supervisor_log_dropped_bytes_total counter\nsupervisor_log_dropped_bytes_total 7\n");
        text.ShouldContain("supervisor_process_state{group=\"web\",name=\"web_0\",state=\"RUNNING\"} 20\n");
        text.ShouldContain("supervisor_process_state{group=\"odd\\\"grp\",name=\"x\\\\y\",state=\"FATAL\"} 200\n");
        text.ShouldContain("supervisor_process_restarts_total{group=\"web\",name=\"web_0\"} 2\n");
        text.ShouldContain("supervisor_process_uptime_seconds{group=\"web\",name=\"web_0\"} 61.25\n");
        text.ShouldContain("supervisor_process_resident_memory_bytes{group=\"web\",name=\"web_0\"} 4096\n");
        text.ShouldNotContain("supervisor_process_resident_memory_bytes{group=\"odd");
        text.ShouldContain("supervisor_process_healthy{group=\"web\",name=\"web_0\"} 1\n");
        text.ShouldNotContain("supervisor_process_healthy{group=\"odd");
        text.ShouldEndWith("\n");
        // every sample line belongs to a family declared with # TYPE before it
        var declared = new HashSet<string>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                declared.Add(line.Split(' ')[2]);
            }
            else if (!line.StartsWith('#'))
            {
                declared.ShouldContain(line.Split('{', ' ')[0]);
            }
        }
    }

    [Fact]
    public void Process_tree_takes_descendants_and_marked_processes_with_theirs()
    {
        // 1 init; 50 daemon; 100 main -> 101 -> 102; 200 escaped (marked, parent daemon) -> 201; 300 unrelated
        var parents = new Dictionary<int, int> { [50] = 1, [100] = 50, [101] = 100, [102] = 101, [200] = 50, [201] = 200, [300] = 1 };
        ProcessTree.Select(parents, 100, 50, pid => pid == 200).ShouldBe([100, 101, 102, 200, 201]);
        ProcessTree.Select(parents, 0, 50, pid => pid == 200).ShouldBe([200, 201]);
        ProcessTree.Select(parents, 0, 50, pid => pid is 50 or 200).ShouldBe([200, 201]); // never the daemon
        ProcessTree.ParseParent("1234 (my (odd) prog) S 77 1234 1234 0 -1").ShouldBe(77);
        ProcessTree.ParseParent("garbage").ShouldBeNull();
    }
}
