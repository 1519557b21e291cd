using System.Globalization;
using Slipway.Logs.IntegrationTests.Fixtures;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests;

/// <summary>
/// The native slipway (Native AOT, scripts/publish-native.sh) runs the log server against each database it supports:
/// syslog from `logger` in, `logs query` out, the digest mailed through a real SMTP server, SIGTERM to stop. The
/// drivers (Microsoft.Data.Sqlite, MySqlConnector, Npgsql) and MailKit are what trimming could break.
/// </summary>
public sealed class NativeServeTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    [InlineData("postgres")]
    public async Task Serve_query_and_digest_work_natively(string engine)
    {
        var ct = TestContext.Current.CancellationToken;
        var slipway = Requires.NativeCli();
        using var dir = new TempDir();
        await using var mariadb = engine == "mariadb" ? await MariaDbServer.StartAsync(ct) : null;
        await using var postgres = engine == "postgres" ? await PostgresServer.StartAsync(ct) : null;
        string db;
        if (mariadb is not null)
        {
            await mariadb.CreateDatabaseAsync("logs", ct);
            db = mariadb.Url("logs");
        }
        else if (postgres is not null)
        {
            await postgres.CreateDatabaseAsync("logs", ct);
            db = postgres.Url("logs");
        }
        else
        {
            db = dir.File("logs.db");
        }

        var port = ServerProcess.FreeTcpPort();
        var log = dir.File("serve.log");
        using var serve = ServerProcess.Start(slipway, ["logs", "serve", "--db", db, "--syslog-tcp", $"127.0.0.1:{port}"], log);
        await ServerProcess.WaitForPortAsync(port, serve, log, ct);
        var sent = await ProcessTools.RunAsync("logger",
            ["-n", "127.0.0.1", "-P", port.ToString(CultureInfo.InvariantCulture), "-T", "-t", "nativeapp", "-p", "user.err", "native build stores this"], ct);
        sent.ExitCode.ShouldBe(0, sent.Stderr);

        var found = "";
        (await Eventually.ForAsync(async () =>
        {
            var query = await ProcessTools.RunAsync(slipway, ["logs", "query", "--db", db, "--program", "nativeapp", "--json"], ct);
            found = query.Stdout + query.Stderr;
            return query.ExitCode == 0 && found.Contains("native build stores this", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(20), ct)).ShouldBeTrue("stored and found: " + found + ServerProcess.SafeRead(log));
        found.ShouldContain("\"severity\":\"err\"");

        await using var smtp = await SmtpSink.StartAsync(ct);
        var digest = await ProcessTools.RunAsync(slipway,
            ["logs", "digest", "--db", db, "--since", "1h", "--smtp", $"127.0.0.1:{smtp.Port}", "--from", "logs@example.com", "--to", "ops@example.com"], ct);
        digest.ExitCode.ShouldBe(0, digest.Stdout + digest.Stderr);
        (await Eventually.ForAsync(() => smtp.Messages.Count == 1, TimeSpan.FromSeconds(10), ct)).ShouldBeTrue("the digest arrives");
        smtp.Messages.Single().ShouldContain("nativeapp");

        await ProcessTools.RunAsync("kill", ["-TERM", serve.Id.ToString(CultureInfo.InvariantCulture)], ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await serve.WaitForExitAsync(timeout.Token);
        serve.ExitCode.ShouldBe(0, ServerProcess.SafeRead(log));
    }
}
