using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Slipway.Supervisor.Tests.Agent;

/// <summary><c>slipway agent health http|tcp</c> as a real process against a tiny local HTTP server.</summary>
public sealed class AgentHealthTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Func<int, (int Status, string Body)?> _answer = _ => (200, "ok");
    private int _requests;
    private Task? _serving;

    private string Url => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/health/";

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Answers each request with what <see cref="_answer"/> says for the request number; null = never answer.</summary>
    private void Serve()
    {
        _listener.Start();
        _serving = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        var stream = client.GetStream();
                        var buffer = new byte[4096];
                        var read = 0;
                        while (!Encoding.ASCII.GetString(buffer, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
                        {
                            var n = await stream.ReadAsync(buffer.AsMemory(read), _stop.Token);
                            if (n == 0)
                            {
                                return;
                            }

                            read += n;
                        }

                        var answer = _answer(Interlocked.Increment(ref _requests));
                        if (answer is not { } a)
                        {
                            await Task.Delay(Timeout.Infinite, _stop.Token);
                            return;
                        }

                        var body = Encoding.UTF8.GetBytes(a.Body);
                        var head = $"HTTP/1.1 {a.Status} X\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                        await stream.WriteAsync(body, _stop.Token);
                    }
                }, _stop.Token);
            }
        }, _stop.Token);
    }

    [Fact]
    public async Task A_200_with_the_expected_text_is_healthy()
    {
        _answer = _ => (200, "status: ok");
        Serve();

        var r = await AgentCli.RunAsync(Ct, "agent", "health", "http", Url, "--contains", "ok");

        r.ExitCode.ShouldBe(0, r.Stderr);
        r.Stdout.ShouldBe($"{Url}: ok (HTTP 200)\n");
    }

    [Fact]
    public async Task A_500_fails_after_every_retry_and_says_what_it_got()
    {
        _answer = _ => (500, "Server Error");
        Serve();

        var r = await AgentCli.RunAsync(Ct, "agent", "health", "http", Url, "--retries", "3", "--interval", "100ms");

        r.ExitCode.ShouldBe(1);
        r.Stderr.ShouldContain($"health check {Url} failed after 3 attempt(s): HTTP 500, expected 200");
        _requests.ShouldBe(3);
    }

    [Fact]
    public async Task A_server_that_recovers_within_the_retries_passes()
    {
        _answer = n => n < 3 ? (503, "starting") : (200, "ok");
        Serve();

        var r = await AgentCli.RunAsync(Ct, "agent", "health", "http", Url, "--retries", "5", "--interval", "100ms", "--json");

        r.ExitCode.ShouldBe(0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        json.RootElement.GetProperty("ok").GetBoolean().ShouldBeTrue();
        json.RootElement.GetProperty("attempts").GetInt32().ShouldBe(3);
        json.RootElement.GetProperty("status").GetInt32().ShouldBe(200);
    }

    [Fact]
    public async Task The_wrong_body_fails()
    {
        _answer = _ => (200, "maintenance");
        Serve();

        var r = await AgentCli.RunAsync(Ct, "agent", "health", "http", Url, "--contains", "ok", "--retries", "1");

        r.ExitCode.ShouldBe(1);
        r.Stderr.ShouldContain("HTTP 200 but the body does not contain 'ok'");
    }

    [Fact]
    public async Task A_server_that_never_answers_times_out_per_attempt()
    {
        _answer = _ => null;
        Serve();
        var watch = Stopwatch.StartNew();

        var r = await AgentCli.RunAsync(Ct, "agent", "health", "http", Url, "--timeout", "500ms", "--retries", "2", "--interval", "100ms");

        r.ExitCode.ShouldBe(1);
        r.Stderr.ShouldContain("failed after 2 attempt(s): no answer within 500ms");
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Tcp_passes_on_a_listening_port_and_fails_on_a_closed_one()
    {
        Serve();

        var open = await AgentCli.RunAsync(Ct, "agent", "health", "tcp", $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");
        open.ExitCode.ShouldBe(0, open.Stderr);

        var closedPort = Compat.Daemon.FreePort();
        var closed = await AgentCli.RunAsync(Ct, "agent", "health", "tcp", $"127.0.0.1:{closedPort.ToString(CultureInfo.InvariantCulture)}",
            "--retries", "2", "--interval", "100ms");
        closed.ExitCode.ShouldBe(1);
        closed.Stderr.ShouldContain("failed after 2 attempt(s): Connection refused");
    }

    [Fact]
    public async Task Bad_arguments_exit_2()
    {
        (await AgentCli.RunAsync(Ct, "agent", "health", "http", "ftp://x/")).ExitCode.ShouldBe(2);
        (await AgentCli.RunAsync(Ct, "agent", "health", "tcp", "nohost")).ExitCode.ShouldBe(2);
        (await AgentCli.RunAsync(Ct, "agent", "supervisor", "status")).ExitCode.ShouldBe(2);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        if (_serving is not null)
        {
            try
            {
                await _serving;
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
    }
}
