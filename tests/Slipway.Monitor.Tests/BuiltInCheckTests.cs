using System.Net;
using System.Net.Sockets;
using Slipway.Monitor.Checks;
using Slipway.Monitor.Tests.Support;
using Slipway.Testing;

namespace Slipway.Monitor.Tests;

public sealed class BuiltInCheckTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact(Timeout = 60_000)]
    public async Task Tcp_is_ok_on_a_listening_port_with_time_perfdata_and_critical_on_a_closed_one()
    {
        await using var server = new TinyHttpServer();

        var open = await new TcpCheck(new TcpCheckOptions("127.0.0.1", server.Port)).RunAsync(Timeout, TestContext.Current.CancellationToken);
        var closed = await new TcpCheck(new TcpCheckOptions("127.0.0.1", FreePorts.Tcp())).RunAsync(Timeout, TestContext.Current.CancellationToken);

        open.State.ShouldBe(ServiceState.Ok);
        open.Output.ShouldStartWith("TCP OK - ");
        open.Output.ShouldEndWith($"second response time on 127.0.0.1 port {server.Port}");
        open.PerfData.Single().Label.ShouldBe("time");
        open.PerfData.Single().Max.ShouldBe(20);
        closed.State.ShouldBe(ServiceState.Critical);
        closed.Output.ShouldStartWith($"TCP CRITICAL - connect to address 127.0.0.1 and port ");
    }

    [Fact(Timeout = 60_000)]
    public async Task Tcp_connect_time_is_judged_by_the_ranges()
    {
        await using var server = new TinyHttpServer();
        var options = new TcpCheckOptions("127.0.0.1", server.Port) { Warning = "@0:10" };

        var result = await new TcpCheck(options).RunAsync(Timeout, TestContext.Current.CancellationToken);

        result.State.ShouldBe(ServiceState.Warning);
        result.PerfData.Single().Warn.ShouldBe("@0:10");
    }

    [Theory(Timeout = 60_000)]
    [InlineData("/", ServiceState.Ok, "HTTP OK - HTTP/1.1 200 OK - 31 bytes in ")]
    [InlineData("/moved", ServiceState.Ok, "HTTP OK - HTTP/1.1 302 Found - 0 bytes in ")]
    [InlineData("/missing", ServiceState.Warning, "HTTP WARNING - status 404 - HTTP/1.1 404 Not Found")]
    [InlineData("/broken", ServiceState.Critical, "HTTP CRITICAL - status 500 - HTTP/1.1 500 Internal Server Error")]
    public async Task Http_judges_the_status_as_check_http_does(string path, ServiceState state, string output)
    {
        await using var server = new TinyHttpServer();

        var result = await Http(server, path).RunAsync(Timeout, TestContext.Current.CancellationToken);

        result.State.ShouldBe(state);
        result.Output.ShouldStartWith(output);
        result.PerfData.Select(d => (d.Label, d.Unit)).ShouldBe([("time", "s"), ("size", "B")]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Http_with_expected_statuses_and_a_body_text_is_critical_when_either_is_wrong()
    {
        await using var server = new TinyHttpServer();
        var ct = TestContext.Current.CancellationToken;

        var moved = await new HttpCheck(new HttpCheckOptions($"http://127.0.0.1:{server.Port}/moved") { ExpectStatus = [200] }).RunAsync(Timeout, ct);
        var found = await new HttpCheck(new HttpCheckOptions($"http://127.0.0.1:{server.Port}/") { BodyContains = "is healthy" }).RunAsync(Timeout, ct);
        var absent = await new HttpCheck(new HttpCheckOptions($"http://127.0.0.1:{server.Port}/") { BodyContains = "is sick" }).RunAsync(Timeout, ct);

        moved.State.ShouldBe(ServiceState.Critical);
        moved.Output.ShouldStartWith("HTTP CRITICAL - status 302, expected 200 - ");
        found.State.ShouldBe(ServiceState.Ok);
        absent.State.ShouldBe(ServiceState.Critical);
        absent.Output.ShouldStartWith("HTTP CRITICAL - string 'is sick' not found - ");
    }

    [Fact(Timeout = 60_000)]
    public async Task Http_to_a_server_that_never_answers_is_critical_at_the_time_out()
    {
        // The kernel accepts the connection into the backlog; nobody ever reads the request.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;

        var result = await new HttpCheck(new HttpCheckOptions($"http://127.0.0.1:{port}/"))
            .RunAsync(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);

        result.State.ShouldBe(ServiceState.Critical);
        result.Output.ShouldBe("HTTP CRITICAL - timed out after 0.500 seconds");
    }

    [Fact(Timeout = 60_000)]
    public async Task Http_connection_refused_is_critical()
    {
        var result = await new HttpCheck(new HttpCheckOptions($"http://127.0.0.1:{FreePorts.Tcp()}/"))
            .RunAsync(Timeout, TestContext.Current.CancellationToken);

        result.State.ShouldBe(ServiceState.Critical);
        result.Output.ShouldContain("Connection refused");
    }

    [Fact(Timeout = 60_000)]
    public async Task Disk_reports_the_used_percent_and_bytes_and_applies_the_ranges()
    {
        var ct = TestContext.Current.CancellationToken;

        var ok = await new DiskCheck(new DiskCheckOptions("/") { Warning = "100", Critical = "100" }).RunAsync(Timeout, ct);
        var critical = await new DiskCheck(new DiskCheckOptions("/") { Critical = "@0:100" }).RunAsync(Timeout, ct);
        var missing = await new DiskCheck(new DiskCheckOptions("/nonexistent/place")).RunAsync(Timeout, ct);

        ok.State.ShouldBe(ServiceState.Ok);
        ok.Output.ShouldStartWith("DISK OK - / ");
        var percent = ok.PerfData.Single(d => d.Label == "used_pct");
        percent.Value.ShouldNotBeNull().ShouldBeInRange(0, 100);
        var used = ok.PerfData.Single(d => d.Label == "used");
        used.Value.ShouldNotBeNull().ShouldBeLessThanOrEqualTo(used.Max.ShouldNotBeNull());
        critical.State.ShouldBe(ServiceState.Critical);
        missing.State.ShouldBe(ServiceState.Critical);
        missing.Output.ShouldBe("DISK CRITICAL - /nonexistent/place is not accessible: No such file or directory");
    }

    [Theory(Timeout = 60_000)]
    [InlineData("1,2,3", "2,4,6", false, ServiceState.Ok, "LOAD OK - load average: 0.50, 1.50, 3.00")]
    [InlineData("1", "5", false, ServiceState.Warning, "LOAD WARNING - load average: 0.50, 1.50, 3.00")]
    [InlineData("1", "2.5", false, ServiceState.Critical, "LOAD CRITICAL - load average: 0.50, 1.50, 3.00")]
    [InlineData("0.5", "1", true, ServiceState.Warning, "LOAD WARNING - load average per CPU (4): 0.13, 0.38, 0.75")]
    public async Task Load_judges_each_average_with_its_range(string warning, string critical, bool perCpu, ServiceState state, string output)
    {
        using var dir = new TempDir();
        var loadavg = dir.Write("loadavg", "0.50 1.50 3.00 2/345 6789\n");

        var result = await new LoadCheck(new LoadCheckOptions { Warning = warning, Critical = critical, PerCpu = perCpu }, loadavg, 4)
            .RunAsync(Timeout, TestContext.Current.CancellationToken);

        result.State.ShouldBe(state);
        result.Output.ShouldBe(output);
        result.PerfData.Select(d => d.Label).ShouldBe(["load1", "load5", "load15"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Load_reads_the_real_proc_loadavg()
    {
        var result = await new LoadCheck(new LoadCheckOptions()).RunAsync(Timeout, TestContext.Current.CancellationToken);

        result.State.ShouldBe(ServiceState.Ok);
        result.PerfData.Count.ShouldBe(3);
    }

    private static HttpCheck Http(TinyHttpServer server, string path) =>
        new(new HttpCheckOptions($"http://127.0.0.1:{server.Port}{path}"));
}
